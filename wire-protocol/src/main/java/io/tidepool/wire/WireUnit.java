package io.tidepool.wire;

import io.netty.buffer.ByteBuf;

/**
 * What {@link io.tidepool.wire.codec.FrameDecoder} emits: a whole {@link Frame}, a {@link FramePart} of a large one, or
 * (in run mode) a {@link MessageRun} of whole messages. All carry bytes to forward as they are; only a whole frame can be
 * decoded.
 */
public sealed interface WireUnit permits Frame, FramePart, MessageRun {
    byte type();

    /** The original bytes; writing them to a channel passes ownership. */
    ByteBuf content();

    /** Whether these bytes finish a protocol message (true for a whole frame and for a message's last part). */
    boolean endsMessage();
}
