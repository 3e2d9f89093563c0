package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** BindComplete ('2'): Bind succeeded. */
public record BindComplete() implements BackendPassThrough {
    public static final byte TYPE = '2';
    public static final BindComplete INSTANCE = new BindComplete();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
