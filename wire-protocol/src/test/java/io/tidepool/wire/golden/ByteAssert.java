package io.tidepool.wire.golden;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** r2dbc's assertion: on a mismatch, both buffers as {@link ByteBufUtil#prettyHexDump}. */
public final class ByteAssert {
    private ByteAssert() {
    }

    public static void assertSameBytes(String what, ByteBuf expected, ByteBuf actual) {
        if (!ByteBufUtil.equals(expected, actual)) {
            throw new AssertionError(what + ": bytes differ\nexpected (golden):\n" + ByteBufUtil.prettyHexDump(expected)
                    + "\nactual (encoded):\n" + ByteBufUtil.prettyHexDump(actual));
        }
    }
}
