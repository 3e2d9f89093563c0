package io.tidepool.pooler.client;

import io.tidepool.pooler.pool.PoolSettings;
import io.tidepool.pooler.server.ServerConnection;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

/**
 * The janitor's per-client timeouts (PgBouncer's names): client_idle_timeout for a client with nothing running,
 * idle_transaction_timeout for one sitting inside a transaction, query_timeout for a request that runs too long.
 * Each ends the client; its server is closed if it is not idle (PgBouncer closes both as well), and the pooler never
 * cancels a query on its own (promise P4: a COMMIT may be waiting for synchronous replication).
 *
 * <p>Stateless; {@link ClientSession#checkTimeouts} asks on the client's event loop.
 *
 * @see io.tidepool.pooler.janitor
 */
enum ClientTimeout {
    QUERY(SqlState.QUERY_CANCELED, "query_timeout"),
    IDLE_TRANSACTION(SqlState.IDLE_IN_TRANSACTION_SESSION_TIMEOUT, "idle transaction timeout"),
    CLIENT_IDLE(SqlState.IDLE_SESSION_TIMEOUT, "client_idle_timeout");

    private final SqlState code;
    private final String reason;

    ClientTimeout(SqlState code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    SqlState code() {
        return code;
    }

    String reason() {
        return reason;
    }

    /**
     * The timeout a logged-in client has run into, or null.
     *
     * @param s             its linked server, if any
     * @param lastReadNanos when the client last sent anything
     */
    static @Nullable ClientTimeout expired(@Nullable ServerConnection s, long now, long lastReadNanos,
                                           PoolSettings settings) {
        long queryTimeout = settings.queryTimeout().toNanos();
        long idleTransaction = settings.idleTransactionTimeout().toNanos();
        long clientIdle = settings.clientIdleTimeout().toNanos();
        if (s != null && queryTimeout > 0 && s.requestRunningNanos(now) >= queryTimeout) {
            return QUERY;
        } else if (s != null && idleTransaction > 0 && s.idleInTransactionNanos(now) >= idleTransaction) {
            return IDLE_TRANSACTION;
        } else if (clientIdle > 0 && now - lastReadNanos >= clientIdle
                && (s == null || s.requestRunningNanos(now) == 0 && s.idleInTransactionNanos(now) == 0)) {
            return CLIENT_IDLE;
        }
        return null;
    }
}
