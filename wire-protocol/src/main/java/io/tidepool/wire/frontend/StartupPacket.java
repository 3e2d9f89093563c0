package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;

/** The untyped packets a connection may open with: they start with an int32 length and an int32 code. */
public sealed interface StartupPacket permits StartupMessage, SSLRequest, GSSENCRequest, CancelRequest {
    void encode(ByteBuf out);
}
