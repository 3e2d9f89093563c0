package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;

/** Sync ('S'): ends an extended-protocol batch; the server answers with ReadyForQuery. */
public record Sync() implements FrontendMessage {
    public static final byte TYPE = 'S';
    public static final Sync INSTANCE = new Sync();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
