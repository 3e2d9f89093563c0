package io.tidepool.wire;

/**
 * Size limits applied on the header, before any allocation (RELIABILITY §5 "length arithmetic").
 *
 * @param maxFrameLength   largest declared length of any typed message (PgBouncer's {@code max_packet_size}; we
 *                         default to PostgreSQL's own 1 GiB cap, not PgBouncer's 2 GiB, see CVE-2026-107348)
 * @param maxStartupLength largest startup packet ({@code MAX_STARTUP_PACKET_LENGTH} = 10000 in PostgreSQL)
 * @param maxSmallLength   largest length of the fixed-size or near-fixed-size messages (Sync, Flush, Terminate,
 *                         Describe, Close, Execute, CopyDone, ReadyForQuery, ...): {@code PQ_SMALL_MESSAGE_LIMIT}
 * @param streamThreshold  messages longer than this, of a type the pooler only forwards, are streamed as
 *                         {@link FramePart}s instead of being accumulated
 */
public record Limits(int maxFrameLength, int maxStartupLength, int maxSmallLength, int streamThreshold) {
    /** PostgreSQL's {@code PQ_LARGE_MESSAGE_LIMIT}: MaxAllocSize - 1. */
    public static final int PG_LARGE_MESSAGE_LIMIT = 0x3fffffff - 1;
    public static final Limits DEFAULT = new Limits(PG_LARGE_MESSAGE_LIMIT, 10000, 10000, 64 * 1024);

    public Limits {
        if (maxFrameLength < 4) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: >= 4)");
        }
        if (maxStartupLength < 8) {
            throw new IllegalArgumentException("maxStartupLength: " + maxStartupLength + " (expected: >= 8)");
        }
        if (streamThreshold < 64) {
            throw new IllegalArgumentException("streamThreshold: " + streamThreshold + " (expected: >= 64)");
        }
    }

    public Limits withMaxFrameLength(int max) {
        return new Limits(max, maxStartupLength, maxSmallLength, streamThreshold);
    }
}
