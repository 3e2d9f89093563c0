package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Arrays;
import java.util.Objects;

/** SASLResponse ('p'): a SASL message after the first (SCRAM client-final-message). */
public record SASLResponse(byte[] data) implements FrontendMessage {
    public static final byte TYPE = 'p';

    public SASLResponse {
        data = Objects.requireNonNull(data, "data").clone();
    }

    public static SASLResponse decode(ByteBuf body) {
        byte[] data = new byte[body.readableBytes()];
        body.readBytes(data);
        return new SASLResponse(data);
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
        return o instanceof SASLResponse other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SASLResponse[<" + data.length + " bytes>]";
    }
}
