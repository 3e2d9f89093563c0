package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** AuthenticationCleartextPassword (R, 3): send the password in clear text. */
public record AuthenticationCleartextPassword() implements Authentication {
    public static final int CODE = 3;
    public static final AuthenticationCleartextPassword INSTANCE = new AuthenticationCleartextPassword();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(8).writeInt(CODE);
    }
}
