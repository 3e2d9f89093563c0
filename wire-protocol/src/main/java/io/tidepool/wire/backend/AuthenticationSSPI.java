package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** AuthenticationSSPI (R, 9): start an SSPI exchange (not supported by Tidepool). */
public record AuthenticationSSPI() implements Authentication {
    public static final int CODE = 9;
    public static final AuthenticationSSPI INSTANCE = new AuthenticationSSPI();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(8).writeInt(CODE);
    }
}
