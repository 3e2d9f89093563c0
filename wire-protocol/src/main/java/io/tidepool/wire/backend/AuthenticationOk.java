package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** AuthenticationOk (R, 0): authentication succeeded. */
public record AuthenticationOk() implements Authentication {
    public static final int CODE = 0;
    public static final AuthenticationOk INSTANCE = new AuthenticationOk();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(8).writeInt(CODE);
    }
}
