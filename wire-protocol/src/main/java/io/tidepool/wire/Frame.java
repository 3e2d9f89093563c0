package io.tidepool.wire;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * One typed protocol message exactly as it arrived: the type byte, the length word and the body, as a retained slice
 * of the receive buffer. Forwarding a frame writes {@link #bytes()} unchanged (DESIGN hot-path rule 1).
 *
 * <p>A frame is owned by whoever holds it: it is either written to a channel (ownership passes) or released.
 * Frames larger than {@link Limits#streamThreshold()} of a streamable type arrive as {@link FramePart}s instead.
 */
public record Frame(byte type, ByteBuf bytes) implements WireUnit {
    /** Type byte plus the int32 length. */
    public static final int HEADER_LENGTH = 5;

    /**
     * The absolute index just past the message whose type byte is at {@code at} in {@code bytes}: its length field
     * counts itself and the body, not the type byte. For headers a decoder has validated.
     */
    public static int endOf(ByteBuf bytes, int at) {
        return at + 1 + bytes.getInt(at + 1);
    }

    public Frame {
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The declared length: counts itself and the body, not the type byte. */
    public int length() {
        return bytes.getInt(bytes.readerIndex() + 1);
    }

    /** A slice over the body (after the 5-byte header); shares the reference count, so do not release it. */
    public ByteBuf body() {
        return bytes.slice(bytes.readerIndex() + HEADER_LENGTH, bytes.readableBytes() - HEADER_LENGTH);
    }

    @Override
    public ByteBuf content() {
        return bytes;
    }

    @Override
    public boolean endsMessage() {
        return true;
    }

    public void release() {
        bytes.release();
    }

    @Override
    public String toString() {
        return "Frame['" + Printable.typeChar(type) + "', " + bytes.readableBytes() + " bytes]";
    }
}
