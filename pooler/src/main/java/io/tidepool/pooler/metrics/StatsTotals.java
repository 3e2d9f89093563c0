package io.tidepool.pooler.metrics;

/**
 * Totals as PgBouncer's SHOW STATS_TOTALS reports them: counts, bytes, and times in microseconds. Immutable.
 * Prepared-statement counters (client_parse_count, server_parse_count, bind_count) are reported as zero: the pooler
 * does not count them yet.
 */
public record StatsTotals(long serverAssignments, long xacts, long queries, long bytesReceived, long bytesSent,
                          long xactMicros, long queryMicros, long waitMicros) {
    public static final StatsTotals ZERO = new StatsTotals(0, 0, 0, 0, 0, 0, 0, 0);

    public StatsTotals plus(StatsTotals o) {
        return new StatsTotals(serverAssignments + o.serverAssignments, xacts + o.xacts, queries + o.queries,
                bytesReceived + o.bytesReceived, bytesSent + o.bytesSent, xactMicros + o.xactMicros,
                queryMicros + o.queryMicros, waitMicros + o.waitMicros);
    }

    public StatsTotals minus(StatsTotals o) {
        return new StatsTotals(serverAssignments - o.serverAssignments, xacts - o.xacts, queries - o.queries,
                bytesReceived - o.bytesReceived, bytesSent - o.bytesSent, xactMicros - o.xactMicros,
                queryMicros - o.queryMicros, waitMicros - o.waitMicros);
    }

    /**
     * PgBouncer's averages over a stats period (stats.c {@code calc_average}): counts and bytes per second; xact and
     * query time per transaction / query; wait time per server assignment.
     */
    public StatsTotals averagesOver(long periodSeconds) {
        long s = Math.max(1, periodSeconds);
        return new StatsTotals(serverAssignments / s, xacts / s, queries / s, bytesReceived / s, bytesSent / s,
                xacts > 0 ? xactMicros / xacts : 0, queries > 0 ? queryMicros / queries : 0,
                serverAssignments > 0 ? waitMicros / serverAssignments : 0);
    }
}
