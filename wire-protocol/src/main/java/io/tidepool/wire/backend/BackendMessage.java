package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** A server-to-client message that can write its own bytes. */
public sealed interface BackendMessage permits ControlMessage, NoticeResponse, BackendPassThrough {
    /** Writes the whole message: type byte, length, body. */
    void encode(ByteBuf out);
}
