package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;

/** CopyDone ('c', frontend): the client finished sending COPY FROM STDIN data. */
public record CopyDone() implements FrontendPassThrough {
    public static final byte TYPE = 'c';
    public static final CopyDone INSTANCE = new CopyDone();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
