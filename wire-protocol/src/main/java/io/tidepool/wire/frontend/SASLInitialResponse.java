package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;
import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * SASLInitialResponse ('p'): the chosen mechanism and the client-first-message. A data length of -1 means "no
 * initial response". The declared length is checked against the received bytes (CVE-2026-6664).
 */
public record SASLInitialResponse(String mechanism, byte @Nullable [] data) implements FrontendMessage {
    public static final byte TYPE = 'p';

    public SASLInitialResponse {
        Objects.requireNonNull(mechanism, "mechanism");
        data = data == null ? null : data.clone();
    }

    public static SASLInitialResponse decode(ByteBuf body) {
        String mechanism = CStrings.read(body, 256, "SASLInitialResponse mechanism");
        Bodies.requireAtLeast("SASLInitialResponse", body, 4);
        int length = body.readInt();
        byte[] data = length == -1 ? null : Bodies.readBytes(body, length, "SASLInitialResponse data");
        Bodies.requireFullyRead("SASLInitialResponse", body);
        return new SASLInitialResponse(mechanism, data);
    }

    @Override
    public byte @Nullable [] data() {
        return data == null ? null : data.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, mechanism);
        if (data == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(data.length).writeBytes(data);
        }
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SASLInitialResponse other && mechanism.equals(other.mechanism)
                && java.util.Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * mechanism.hashCode() + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SASLInitialResponse[" + mechanism + ", <" + (data == null ? "none" : data.length + " bytes") + ">]";
    }
}
