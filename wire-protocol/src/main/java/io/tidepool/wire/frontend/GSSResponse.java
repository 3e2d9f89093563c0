package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Arrays;
import java.util.Objects;

/**
 * GSSResponse ('p'): a GSSAPI or SSPI token from the client. Tidepool does not offer GSSAPI authentication; the record
 * exists so that the {@code 'p'} family is complete and a client sending one gets a precise error. Decoded only by
 * the exchange that asked for it ({@link FrontendMessages#decodeGSSResponse}).
 */
public record GSSResponse(byte[] data) implements FrontendMessage {
    public static final byte TYPE = 'p';

    public GSSResponse {
        data = Objects.requireNonNull(data, "data").clone();
    }

    public static GSSResponse decode(ByteBuf body) {
        return new GSSResponse(Bodies.readBytes(body, body.readableBytes(), "GSSResponse data"));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeBytes(data);
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GSSResponse other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "GSSResponse[<" + data.length + " bytes>]";
    }
}
