package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/** AuthenticationSASLFinal (R, 12): SASL outcome data (SCRAM server-final-message). */
public record AuthenticationSASLFinal(byte[] data) implements Authentication {
    public static final int CODE = 12;

    public AuthenticationSASLFinal {
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
        return o instanceof AuthenticationSASLFinal other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSASLFinal[<" + data.length + " bytes>]";
    }
}
