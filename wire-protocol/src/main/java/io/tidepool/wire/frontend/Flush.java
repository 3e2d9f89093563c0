package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;

/** Flush ('H'): asks the server to send what it has buffered, without ending the batch as Sync would. */
public record Flush() implements FrontendPassThrough {
    public static final byte TYPE = 'H';
    public static final Flush INSTANCE = new Flush();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
