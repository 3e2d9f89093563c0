package io.tidepool.pooler.server;

import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.link.RequestTracker;
import io.tidepool.pooler.metrics.PoolStats;
import io.tidepool.wire.backend.TransactionStatus;
import org.jspecify.annotations.Nullable;

/**
 * What one server connection owes and since when: the ReadyForQuery messages outstanding (PgBouncer's
 * {@code outstanding_requests}, which decide whether a server may go back to the pool), the last reported transaction
 * status, whether an extended-query batch is open without its Sync, and the clocks behind query_timeout,
 * idle_transaction_timeout and the query/transaction statistics (issue 7).
 *
 * <p>Owned by one {@link ServerConnection}: fed by its {@code send} (client to server), by {@link ClientRelay} at each
 * relayed ReadyForQuery and ErrorResponse, and by {@link InternalQueries} for the pooler's own queries. Plain fields
 * and no allocation: every call is on the data path. Event-loop confined, like its connection.
 */
final class RequestAccounting {
    private final RequestTracker tracker;
    private final PoolStats stats;
    private int outstanding;
    private TransactionStatus transactionStatus = TransactionStatus.IDLE;
    /** Parse/Bind/Describe/Execute/Close sent since the last Query, FunctionCall or Sync: an extended batch open. */
    private boolean batchOpen;
    private long requestStartNanos;
    private long readyNanos;
    // Statistics (issue 7): when the current request and transaction started; 0 when none is running.
    private long queryStartNanos;
    private long xactStartNanos;

    RequestAccounting(RequestTracker tracker, PoolStats stats) {
        this.tracker = tracker;
        this.stats = stats;
    }

    /**
     * What the server will owe for a client message about to be written (by its first part); {@code c} is the linked
     * client, if any.
     */
    void sent(byte type, @Nullable ClientSession c) {
        if (type == 'S' && tracker.ignoresSync()) {
            return;                                         // sent during copy-in: PostgreSQL ignores it
        }
        if (tracker.serverSkipping() && type != 'S') {
            // protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY: after an error in an extended batch the server discards
            // every message up to the client's Sync, this one included (a Query or FunctionCall gets no
            // ReadyForQuery). A tracking client's rewriter drops them before they get here.
            return;
        }
        if (c != null && c.statements() == null) {
            tracker.addPassedThrough(type);                 // a rewriter tracks what it forwards itself
        }
        if (type == 'Q' || type == 'S' || type == 'F') {
            batchOpen = false;                              // each ends (commits) an implicit extended-query block
            if (outstanding++ == 0) {
                requestStartNanos = System.nanoTime();      // query_timeout counts from the oldest request
                // Statistics: a request (and, from idle, a transaction) starts with the first one outstanding.
                queryStartNanos = requestStartNanos;
                if (xactStartNanos == 0 && transactionStatus == TransactionStatus.IDLE) {
                    xactStartNanos = queryStartNanos;
                }
            }
        } else if (type == 'P' || type == 'B' || type == 'E' || type == 'D' || type == 'C') {
            batchOpen = true;
        }
    }

    /** The pooler's rewriter built a message (Parse/Bind/Describe/Close): an extended batch is open. */
    void builtSent() {
        batchOpen = true;
    }

    /** A relayed ReadyForQuery: one request answered, the server reports {@code status}. */
    void readyForQuery(TransactionStatus status) {
        outstanding = Math.max(0, outstanding - 1);
        transactionStatus = status;
        readyNanos = System.nanoTime();
        if (outstanding > 0) {
            requestStartNanos = readyNanos;                 // the next pipelined request is now running
        }
        countReadyForQuery(readyNanos);
    }

    /** Statistics at a relayed ReadyForQuery: one query done; a transaction done when the status is idle. */
    private void countReadyForQuery(long now) {
        if (queryStartNanos != 0) {
            stats.queryDone(now - queryStartNanos);
            queryStartNanos = outstanding > 0 ? now : 0;
        }
        if (transactionStatus == TransactionStatus.IDLE && xactStartNanos != 0) {
            stats.xactDone(now - xactStartNanos);
            xactStartNanos = 0;
        }
    }

    /**
     * An error in an extended batch made the server skip the Queries and FunctionCalls sent after the failed message
     * and before the Sync (postgres.c ignore_till_sync): they will get no ReadyForQuery, so they are no longer owed.
     * Without this the server was never released in transaction mode (issue 3).
     */
    void skippedAfterError() {
        int skipped = tracker.takeSkippedReadies();
        if (skipped == 0) {
            return;
        }
        outstanding = Math.max(0, outstanding - skipped);
        if (outstanding == 0) {
            // No Sync sent yet: the server now waits for the client, and the request is over (the Sync starts one).
            readyNanos = System.nanoTime();
            queryStartNanos = 0;
        }
    }

    /**
     * The server entered copy-in: Syncs the client sent after the COPY and before the end of its data were ignored
     * (protocol-flow.html#PROTOCOL-COPY), so no ReadyForQuery is owed for them (tokio-postgres sends Bind, Execute,
     * Sync, then the data). Without this the server was never released in transaction mode.
     */
    void copyInStarted() {
        outstanding = Math.max(0, outstanding - tracker.takeIgnoredSyncs());
    }

    /** The pooler sent a Query of its own: one ReadyForQuery owed, not counted in the statistics. */
    void internalSent() {
        outstanding++;
    }

    /** The ReadyForQuery that ends the pooler's own query. */
    void internalReady(TransactionStatus status) {
        outstanding--;
        transactionStatus = status;
    }

    int outstanding() {
        return outstanding;
    }

    TransactionStatus transactionStatus() {
        return transactionStatus;
    }

    /** An extended batch was sent without its Sync: an implicit transaction no ReadyForQuery has reported. */
    boolean batchOpen() {
        return batchOpen;
    }

    /** Nanoseconds the oldest outstanding request has been running (0 when none): query_timeout. */
    long requestRunningNanos(long now) {
        return outstanding > 0 ? now - requestStartNanos : 0;
    }

    /** Nanoseconds idle inside a transaction (0 when not): idle_transaction_timeout. */
    long idleInTransactionNanos(long now) {
        return outstanding == 0 && transactionStatus != TransactionStatus.IDLE ? now - readyNanos : 0;
    }
}
