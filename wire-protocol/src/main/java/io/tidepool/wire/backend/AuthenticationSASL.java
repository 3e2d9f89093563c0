package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;
import io.tidepool.wire.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/** AuthenticationSASL (R, 10): the SASL mechanisms the server offers, e.g. SCRAM-SHA-256 and SCRAM-SHA-256-PLUS. */
public record AuthenticationSASL(List<String> mechanisms) implements Authentication {
    public static final int CODE = 10;
    private static final int MAX_MECHANISMS = 16;

    public AuthenticationSASL {
        mechanisms = List.copyOf(mechanisms);
    }

    static AuthenticationSASL decodeMechanisms(ByteBuf body) {
        List<String> mechanisms = new ArrayList<>();
        while (true) {
            String mechanism = CStrings.read(body, 256, "AuthenticationSASL mechanism");
            if (mechanism.isEmpty()) {
                return new AuthenticationSASL(mechanisms);
            }
            if (mechanisms.size() == MAX_MECHANISMS) {
                throw new ProtocolException("AuthenticationSASL mechanism count: more than " + MAX_MECHANISMS);
            }
            mechanisms.add(mechanism);
        }
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeInt(CODE);
        mechanisms.forEach(mechanism -> CStrings.write(out, mechanism));
        out.writeByte(0);
        LengthPrefix.end(out, at);
    }
}
