package io.tidepool.pooler.metrics;

import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import java.util.concurrent.TimeUnit;

/**
 * The running totals of one pool on one event loop: what PgBouncer's {@code SHOW STATS} reports (stats.c), counted
 * where the pooler already looks (a client linked to a server, a ReadyForQuery relayed), never per forwarded message
 * with allocation. Plain {@code long} fields: event-loop confined, read by {@link #snapshot()} from a task submitted to
 * the same loop.
 *
 * <p>The optional timers (per pool group, shared by its loops) feed the Prometheus percentiles; Micrometer's
 * {@code Timer.record} is lock-free and allocation-free.
 */
public final class PoolStats {
    private final @Nullable GroupTimers timers;
    private long serverAssignments;
    private long xacts;
    private long queries;
    private long bytesReceived;
    private long bytesSent;
    private long xactNanos;
    private long queryNanos;
    private long waitNanos;

    public PoolStats(@Nullable GroupTimers timers) {
        this.timers = timers;
    }

    /** A client got a server after waiting {@code waitedNanos} (PgBouncer's server_assignment_count, wait_time). */
    public void assigned(long waitedNanos) {
        serverAssignments++;
        long wait = Math.max(0, waitedNanos);
        waitNanos += wait;
        if (timers != null) {
            timers.waitTime.record(wait, TimeUnit.NANOSECONDS);
        }
    }

    /** A ReadyForQuery ended a request that took {@code nanos}. */
    public void queryDone(long nanos) {
        queries++;
        long n = Math.max(0, nanos);
        queryNanos += n;
        if (timers != null) {
            timers.query.record(n, TimeUnit.NANOSECONDS);
        }
    }

    /** A ReadyForQuery with status idle ended a transaction that took {@code nanos}. */
    public void xactDone(long nanos) {
        xacts++;
        long n = Math.max(0, nanos);
        xactNanos += n;
        if (timers != null) {
            timers.xact.record(n, TimeUnit.NANOSECONDS);
        }
    }

    /** Bytes the pooler forwarded from a client to a server. */
    public void received(int bytes) {
        bytesReceived += bytes;
    }

    /** Bytes the pooler forwarded from a server to a client. */
    public void sent(int bytes) {
        bytesSent += bytes;
    }

    /** The totals now; call on the owning loop. */
    public StatsTotals snapshot() {
        return new StatsTotals(serverAssignments, xacts, queries, bytesReceived, bytesSent, xactNanos / 1000,
                queryNanos / 1000, waitNanos / 1000);
    }

    /** The timers of one pool group (thread-safe Micrometer meters). */
    public record GroupTimers(Timer xact, Timer query, Timer waitTime) {
    }
}
