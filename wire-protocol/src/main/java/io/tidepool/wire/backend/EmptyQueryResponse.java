package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** EmptyQueryResponse ('I'): the response to an empty query string, in place of CommandComplete. */
public record EmptyQueryResponse() implements BackendPassThrough {
    public static final byte TYPE = 'I';
    public static final EmptyQueryResponse INSTANCE = new EmptyQueryResponse();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
