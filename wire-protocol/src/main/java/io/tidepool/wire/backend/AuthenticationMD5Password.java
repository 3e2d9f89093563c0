package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/** AuthenticationMD5Password (R, 5): send md5(md5(password + user) + salt); {@code data} is the 4-byte salt. */
public record AuthenticationMD5Password(byte[] data) implements Authentication {
    public static final int CODE = 5;

    public AuthenticationMD5Password {
        data = Objects.requireNonNull(data, "data").clone();
        if (data.length != 4) {
            throw new io.tidepool.wire.ProtocolException("AuthenticationMD5Password salt length: " + data.length
                    + " (expected: 4)");
        }
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
        return o instanceof AuthenticationMD5Password other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationMD5Password[<" + data.length + " bytes>]";
    }
}
