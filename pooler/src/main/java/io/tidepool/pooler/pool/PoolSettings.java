package io.tidepool.pooler.pool;

import io.tidepool.pooler.server.TrackedParameters;
import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * The settings one pool runs with, resolved from the configuration (user overrides database overrides global) when
 * the pool is created or the configuration is reloaded. Immutable; a reload swaps the whole record.
 * A zero duration means "disabled", as in PgBouncer. A null serverCheckQuery means no check; an empty one sends an
 * empty query (PgBouncer's {@code <empty>}). trackedParameters comes from track_extra_parameters, a global key that
 * needs a restart: every pool holds the same set, and a reload keeps it.
 */
public record PoolSettings(
        PoolMode poolMode,
        int poolSize,
        int minPoolSize,
        int reservePoolSize,
        Duration reservePoolTimeout,
        int maxDbConnections,
        int maxUserConnections,
        String serverResetQuery,
        boolean serverResetQueryAlways,
        @Nullable String serverCheckQuery,
        Duration serverCheckDelay,
        Duration serverLifetime,
        Duration serverIdleTimeout,
        Duration serverConnectTimeout,
        Duration serverLoginRetry,
        Duration queryTimeout,
        Duration queryWaitTimeout,
        Duration clientIdleTimeout,
        Duration idleTransactionTimeout,
        Duration cancelWaitTimeout,
        String connectQuery,
        int maxPreparedStatements,
        boolean refuseSessionState,
        TrackedParameters trackedParameters) {

    /** PgBouncer's defaults, for tests and as the base of a resolved configuration. */
    public static PoolSettings defaults() {
        return new PoolSettings(PoolMode.SESSION, 20, 0, 0, Duration.ofSeconds(5), 0, 0, "DISCARD ALL", false, "",
                Duration.ofSeconds(30), Duration.ofSeconds(3600), Duration.ofSeconds(600), Duration.ofSeconds(15),
                Duration.ofSeconds(15), Duration.ZERO, Duration.ofSeconds(120), Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(10), "", 200, false, TrackedParameters.DEFAULT);
    }

    /** pool_size 0 means unlimited (PgBouncer 1.24). */
    public int effectivePoolSize() {
        return poolSize <= 0 ? Integer.MAX_VALUE : poolSize;
    }
}
