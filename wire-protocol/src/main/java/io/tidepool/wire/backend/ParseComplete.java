package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** ParseComplete ('1'): Parse succeeded. */
public record ParseComplete() implements BackendPassThrough {
    public static final byte TYPE = '1';
    public static final ParseComplete INSTANCE = new ParseComplete();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
