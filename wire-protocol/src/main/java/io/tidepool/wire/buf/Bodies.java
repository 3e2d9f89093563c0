package io.tidepool.wire.buf;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.ProtocolException;

/** Checks on message bodies shared by the decoders. */
public final class Bodies {
    private Bodies() {
    }

    public static void requireLength(String message, ByteBuf body, int expected) {
        if (body.readableBytes() != expected) {
            throw new ProtocolException(message + " body length: " + body.readableBytes() + " (expected: " + expected
                    + ")");
        }
    }

    public static void requireAtLeast(String message, ByteBuf body, int expected) {
        if (body.readableBytes() < expected) {
            throw new ProtocolException(message + " body length: " + body.readableBytes() + " (expected: >= "
                    + expected + ")");
        }
    }

    /** Nothing may follow the last field. */
    public static void requireFullyRead(String message, ByteBuf body) {
        if (body.isReadable()) {
            throw new ProtocolException(message + ": " + body.readableBytes() + " unexpected trailing bytes");
        }
    }

    /** A count or length field that must lie in {@code [min, max]}. */
    public static int requireRange(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ProtocolException(what + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    /** Reads {@code n} bytes into a new array, after checking they were actually received. */
    public static byte[] readBytes(ByteBuf body, int n, String what) {
        if (n < 0 || n > body.readableBytes()) {
            throw new ProtocolException(what + " length: " + n + " (expected: 0.." + body.readableBytes() + ")");
        }
        byte[] bytes = new byte[n];
        body.readBytes(bytes);
        return bytes;
    }

    /**
     * Reads an Int16 element count (PostgreSQL reads these unsigned: {@code pq_getmsgint(msg, 2)}) and checks, before
     * anything is allocated, that the body still holds at least {@code minBytesEach} bytes per element.
     */
    public static int readCount(ByteBuf body, int minBytesEach, String what) {
        if (body.readableBytes() < 2) {
            throw new ProtocolException(what + ": missing (" + body.readableBytes() + " bytes left, expected: 2)");
        }
        int count = body.readUnsignedShort();
        // count <= 65535 and minBytesEach is small, so the product cannot overflow.
        long needed = (long) count * minBytesEach;
        if (needed > body.readableBytes()) {
            throw new ProtocolException(what + ": " + count + " (expected: <= " + body.readableBytes() / minBytesEach
                    + " for the " + body.readableBytes() + " bytes left)");
        }
        return count;
    }

    /**
     * Reads an Int32 length and that many bytes; -1 means SQL NULL and returns {@code null}. Any other negative
     * length, or one larger than what was received, is a {@link ProtocolException} (never an allocation).
     */
    public static byte @org.jspecify.annotations.Nullable [] readNullableBytes(ByteBuf body, String what) {
        if (body.readableBytes() < 4) {
            throw new ProtocolException(what + " length: missing (" + body.readableBytes()
                    + " bytes left, expected: 4)");
        }
        int length = body.readInt();
        if (length == -1) {
            return null;
        }
        return readBytes(body, length, what);
    }

    /** Writes the Int32 length and the bytes, or -1 for {@code null}: the inverse of {@link #readNullableBytes}. */
    public static void writeNullableBytes(ByteBuf out, byte @org.jspecify.annotations.Nullable [] value) {
        if (value == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(value.length).writeBytes(value);
        }
    }

    /** Checks a value that is written as an Int16. */
    public static int requireInt16(String what, int value) {
        if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: " + Short.MIN_VALUE + ".."
                    + Short.MAX_VALUE + ")");
        }
        return value;
    }

    /** Checks an element count that is written as an (unsigned) Int16. */
    public static int requireCount(String what, int count) {
        if (count > 0xffff) {
            throw new IllegalArgumentException(what + ": " + count + " (expected: <= 65535)");
        }
        return count;
    }

    /** Reads {@code n} Int16 values; the caller has checked them against the body with {@link #readCount}. */
    public static int[] readInt16s(ByteBuf body, int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = body.readShort();
        }
        return values;
    }

    /** Reads {@code n} Int32 values; the caller has checked them against the body with {@link #readCount}. */
    public static int[] readInt32s(ByteBuf body, int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = body.readInt();
        }
        return values;
    }

    /** Writes an unsigned Int16 count followed by the values as Int16. */
    public static void writeInt16s(ByteBuf out, int[] values) {
        out.writeShort(values.length);
        for (int value : values) {
            out.writeShort(value);
        }
    }

    /** Reads one byte, failing with the field's name when the body is exhausted. */
    public static byte readByte(ByteBuf body, String what) {
        if (!body.isReadable()) {
            throw new ProtocolException(what + ": missing (0 bytes left, expected: 1)");
        }
        return body.readByte();
    }

    /** Reads one Int32, failing with the field's name when fewer than 4 bytes are left. */
    public static int readInt(ByteBuf body, String what) {
        if (body.readableBytes() < 4) {
            throw new ProtocolException(what + ": missing (" + body.readableBytes() + " bytes left, expected: 4)");
        }
        return body.readInt();
    }

    /** Reads one Int16, failing with the field's name when fewer than 2 bytes are left. */
    public static int readShort(ByteBuf body, String what) {
        if (body.readableBytes() < 2) {
            throw new ProtocolException(what + ": missing (" + body.readableBytes() + " bytes left, expected: 2)");
        }
        return body.readShort();
    }
}
