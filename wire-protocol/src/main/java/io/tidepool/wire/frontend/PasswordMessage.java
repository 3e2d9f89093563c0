package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/**
 * PasswordMessage ('p'): a cleartext or md5-hashed password. Decoded only by the exchange that asked for one.
 * {@link #toString()} never shows the password.
 */
public record PasswordMessage(String password) implements FrontendMessage {
    public static final byte TYPE = 'p';
    /** PostgreSQL's {@code PG_MAX_AUTH_TOKEN_LENGTH}. */
    public static final int MAX_LENGTH = 65535;

    public PasswordMessage {
        Objects.requireNonNull(password, "password");
    }

    public static PasswordMessage decode(ByteBuf body) {
        String password = CStrings.read(body, MAX_LENGTH, "PasswordMessage password");
        Bodies.requireFullyRead("PasswordMessage", body);
        return new PasswordMessage(password);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, password);
        LengthPrefix.end(out, at);
    }

    @Override
    public String toString() {
        return "PasswordMessage[<hidden>]";
    }
}
