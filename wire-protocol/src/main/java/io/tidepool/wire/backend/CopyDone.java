package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** CopyDone ('c'): the server finished sending COPY TO STDOUT or copy-both data. */
public record CopyDone() implements BackendPassThrough {
    public static final byte TYPE = 'c';
    public static final CopyDone INSTANCE = new CopyDone();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
