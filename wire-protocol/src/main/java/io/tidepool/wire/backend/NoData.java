package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** NoData ('n'): the statement or portal described returns no rows. */
public record NoData() implements BackendPassThrough {
    public static final byte TYPE = 'n';
    public static final NoData INSTANCE = new NoData();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
