package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/** AuthenticationSASLContinue (R, 11): a SASL challenge (SCRAM server-first-message). */
public record AuthenticationSASLContinue(byte[] data) implements Authentication {
    public static final int CODE = 11;

    public AuthenticationSASLContinue {
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
        return o instanceof AuthenticationSASLContinue other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSASLContinue[<" + data.length + " bytes>]";
    }
}
