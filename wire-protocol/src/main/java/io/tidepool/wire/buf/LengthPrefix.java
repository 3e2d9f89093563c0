package io.tidepool.wire.buf;

import io.netty.buffer.ByteBuf;

/**
 * Writes a message whose length is known only at the end: {@link #begin} writes the type byte and a placeholder,
 * {@link #end} back-patches the int32 length (which counts itself, not the type byte). Vert.x's pattern, in one place.
 */
public final class LengthPrefix {
    private LengthPrefix() {
    }

    /** Writes {@code type} and a length placeholder; returns the index of the placeholder. */
    public static int begin(ByteBuf out, byte type) {
        out.writeByte(type);
        int at = out.writerIndex();
        out.writeInt(0);
        return at;
    }

    /** For untyped startup packets: writes only the placeholder. */
    public static int beginUntyped(ByteBuf out) {
        int at = out.writerIndex();
        out.writeInt(0);
        return at;
    }

    public static void end(ByteBuf out, int lengthIndex) {
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }
}
