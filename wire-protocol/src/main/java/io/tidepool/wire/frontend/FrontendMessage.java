package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;

/** A typed client-to-server message that can write its own bytes. */
public sealed interface FrontendMessage permits Query, Sync, Terminate, PasswordMessage, SASLInitialResponse,
        SASLResponse, GSSResponse, FrontendPassThrough {
    void encode(ByteBuf out);
}
