package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** AuthenticationGSS (R, 7): start a GSSAPI exchange (not supported by Tidepool). */
public record AuthenticationGSS() implements Authentication {
    public static final int CODE = 7;
    public static final AuthenticationGSS INSTANCE = new AuthenticationGSS();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(8).writeInt(CODE);
    }
}
