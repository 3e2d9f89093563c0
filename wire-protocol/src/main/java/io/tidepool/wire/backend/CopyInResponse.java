package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * CopyInResponse ('G'): the server is ready to receive COPY FROM STDIN data (CopyData messages, then CopyDone or
 * CopyFail).
 * The connection is in copy mode until it ends; the pooler notes that, the bytes pass through untouched.
 */
public record CopyInResponse(int overallFormat, int[] columnFormats) implements BackendPassThrough {
    public static final byte TYPE = 'G';

    public CopyInResponse {
        columnFormats = CopyResponses.validate("CopyInResponse", overallFormat, columnFormats);
    }

    public static CopyInResponse decode(ByteBuf body) {
        var decoded = CopyResponses.decode(body, "CopyInResponse");
        return new CopyInResponse(decoded.overallFormat(), decoded.columnFormats());
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
        return o instanceof CopyInResponse other && overallFormat == other.overallFormat
                && Arrays.equals(columnFormats, other.columnFormats);
    }

    @Override
    public int hashCode() {
        return 31 * overallFormat + Arrays.hashCode(columnFormats);
    }

    @Override
    public String toString() {
        return "CopyInResponse[overallFormat=" + overallFormat + ", columnFormats=" + Arrays.toString(columnFormats)
                + "]";
    }
}
