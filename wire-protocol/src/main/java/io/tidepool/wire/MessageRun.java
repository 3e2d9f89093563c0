package io.tidepool.wire;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Two or more whole protocol messages that arrived back to back, as one retained slice of the receive buffer
 * (a {@link io.tidepool.wire.codec.FrameDecoder} in run mode emits them). Forwarding a run writes its bytes once
 * instead of once per message: a transaction's RowDescription, DataRows, CommandComplete and ReadyForQuery become one
 * write, one outbound buffer entry and one retain/release instead of four.
 *
 * <p>The messages inside are walked with {@link #typeAt} and {@link #endOf}; every header was validated by the
 * decoder, like a {@link Frame}'s. Owned like a frame: written (ownership passes) or released.
 *
 * @param bytes the messages, from the first one's type byte to the last one's end
 */
public record MessageRun(ByteBuf bytes) implements WireUnit {
    public MessageRun {
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The first message's type. */
    @Override
    public byte type() {
        return bytes.getByte(bytes.readerIndex());
    }

    @Override
    public ByteBuf content() {
        return bytes;
    }

    @Override
    public boolean endsMessage() {
        return true;
    }

    /** The type of the message that starts at absolute index {@code index}. */
    public byte typeAt(int index) {
        return bytes.getByte(index);
    }

    /** The absolute index just past the message that starts at {@code index}. */
    public int endOf(int index) {
        return Frame.endOf(bytes, index);
    }

    @Override
    public String toString() {
        return "MessageRun['" + Printable.typeChar(type()) + "'..., " + bytes.readableBytes() + " bytes]";
    }
}
