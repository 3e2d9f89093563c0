package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/** AuthenticationGSSContinue (R, 8): GSSAPI or SSPI data. */
public record AuthenticationGSSContinue(byte[] data) implements Authentication {
    public static final int CODE = 8;

    public AuthenticationGSSContinue {
        data = Objects.requireNonNull(data, "data").clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        Authentication.encode(out, CODE, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthenticationGSSContinue other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationGSSContinue[<" + data.length + " bytes>]";
    }
}
