package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** CloseComplete ('3'): Close succeeded (also when the object did not exist). */
public record CloseComplete() implements BackendPassThrough {
    public static final byte TYPE = '3';
    public static final CloseComplete INSTANCE = new CloseComplete();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
