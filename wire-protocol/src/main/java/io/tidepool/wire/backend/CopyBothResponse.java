package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * CopyBothResponse ('W'): copy-both mode (streaming replication): both sides send CopyData until one sends CopyDone.
 * The connection is in copy mode until it ends; the pooler notes that, the bytes pass through untouched.
 */
public record CopyBothResponse(int overallFormat, int[] columnFormats) implements BackendPassThrough {
    public static final byte TYPE = 'W';

    public CopyBothResponse {
        columnFormats = CopyResponses.validate("CopyBothResponse", overallFormat, columnFormats);
    }

    public static CopyBothResponse decode(ByteBuf body) {
        var decoded = CopyResponses.decode(body, "CopyBothResponse");
        return new CopyBothResponse(decoded.overallFormat(), decoded.columnFormats());
    }

    @Override
    public int[] columnFormats() {
        return columnFormats.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        CopyResponses.encode(out, TYPE, overallFormat, columnFormats);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CopyBothResponse other && overallFormat == other.overallFormat
                && Arrays.equals(columnFormats, other.columnFormats);
    }

    @Override
    public int hashCode() {
        return 31 * overallFormat + Arrays.hashCode(columnFormats);
    }

    @Override
    public String toString() {
        return "CopyBothResponse[overallFormat=" + overallFormat + ", columnFormats=" + Arrays.toString(columnFormats)
                + "]";
    }
}
