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
}
