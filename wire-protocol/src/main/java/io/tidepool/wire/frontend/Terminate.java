package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;

/** Terminate ('X'): the client is leaving. Never forwarded to a pooled server connection. */
public record Terminate() implements FrontendMessage {
    public static final byte TYPE = 'X';
    public static final Terminate INSTANCE = new Terminate();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
