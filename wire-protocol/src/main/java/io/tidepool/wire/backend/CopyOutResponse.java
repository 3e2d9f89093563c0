package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * CopyOutResponse ('H'): COPY TO STDOUT data follows as CopyData messages, ended by CopyDone.
 * The connection is in copy mode until it ends; the pooler notes that, the bytes pass through untouched.
 */
public record CopyOutResponse(int overallFormat, int[] columnFormats) implements BackendPassThrough {
    public static final byte TYPE = 'H';

    public CopyOutResponse {
        columnFormats = CopyResponses.validate("CopyOutResponse", overallFormat, columnFormats);
    }

    public static CopyOutResponse decode(ByteBuf body) {
        var decoded = CopyResponses.decode(body, "CopyOutResponse");
        return new CopyOutResponse(decoded.overallFormat(), decoded.columnFormats());
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
        return o instanceof CopyOutResponse other && overallFormat == other.overallFormat
                && Arrays.equals(columnFormats, other.columnFormats);
    }

    @Override
    public int hashCode() {
        return 31 * overallFormat + Arrays.hashCode(columnFormats);
    }

    @Override
    public String toString() {
        return "CopyOutResponse[overallFormat=" + overallFormat + ", columnFormats=" + Arrays.toString(columnFormats)
                + "]";
    }
}
