package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/**
 * The body CopyInResponse, CopyOutResponse and CopyBothResponse share: an Int8 overall format (0 text, 1 binary),
 * then an Int16 count of per-column Int16 format codes.
 */
final class CopyResponses {
    private CopyResponses() {
    }

    /** The decoded body; {@code columnFormats} is owned by the caller. */
    record Body(int overallFormat, int[] columnFormats) {
    }

    static Body decode(ByteBuf body, String what) {
        int overall = Bodies.readByte(body, what + " overall format");
        int[] columns = Bodies.readInt16s(body, Bodies.readCount(body, 2, what + " column count"));
        Bodies.requireFullyRead(what, body);
        return new Body(overall, columns);
    }

    static int[] validate(String what, int overallFormat, int[] columnFormats) {
        if (overallFormat < Byte.MIN_VALUE || overallFormat > Byte.MAX_VALUE) {
            throw new IllegalArgumentException(what + " overall format: " + overallFormat + " (expected: an Int8)");
        }
        int[] copy = Objects.requireNonNull(columnFormats, "columnFormats").clone();
        Bodies.requireCount(what + " column count", copy.length);
        for (int format : copy) {
            Bodies.requireInt16(what + " column format", format);
        }
        return copy;
    }

    static void encode(ByteBuf out, byte type, int overallFormat, int[] columnFormats) {
        int at = LengthPrefix.begin(out, type);
        out.writeByte(overallFormat);
        Bodies.writeInt16s(out, columnFormats);
        LengthPrefix.end(out, at);
    }
}
