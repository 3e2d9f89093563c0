package io.tidepool.wire;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * A piece of a message larger than {@link Limits#streamThreshold()}, streamed instead of accumulated (PgBouncer's
 * {@code pkt_remain}, Netty's chunked bulk strings). The first part starts with the 5-byte header; the pooler forwards
 * parts as they arrive, so a 200 MB Bind or CopyData costs no more memory than a 64 KiB one.
 *
 * @param type          the message's type byte
 * @param messageLength the declared length of the whole message (counts itself, not the type byte)
 * @param bytes         this part's bytes (a retained slice)
 * @param first         whether this part starts with the header
 * @param last          whether this part ends the message
 */
public record FramePart(byte type, int messageLength, ByteBuf bytes, boolean first, boolean last) implements WireUnit {
    public FramePart {
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public ByteBuf content() {
        return bytes;
    }

    @Override
    public boolean endsMessage() {
        return last;
    }

    @Override
    public String toString() {
        return "FramePart['" + Printable.typeChar(type) + "', " + bytes.readableBytes() + " of " + messageLength
                + (first ? ", first" : "") + (last ? ", last" : "") + "]";
    }
}
