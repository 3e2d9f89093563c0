package io.tidepool.pooler.pool;

import org.jspecify.annotations.Nullable;

/**
 * Chooses where the next server connection of a pool goes: always the same host for a plain database entry, the
 * current primary or a standby for a routed one (issue 5). Called on the pool's event loop when a server is opened;
 * must not block.
 */
public interface TargetSelector {
    /** The target for a new server connection, or null when none is usable now (no primary: clients wait). */
    @Nullable ServerTarget next();

    /** Whether server connections to {@code target} may still be used (false after its role changed). */
    default boolean stillValid(ServerTarget target) {
        return true;
    }

    /** A server connection to {@code target} failed to connect, log in, or died: a hint for role monitoring. */
    default void serverFailed(ServerTarget target) {
    }

    /** A server connection to {@code target} reported a parameter (ParameterStatus). */
    default void serverReported(ServerTarget target, String name, String value) {
    }

    /**
     * How long clients wait while {@link #next()} is null before they are refused (failover_wait_timeout); zero
     * means the pool's query_wait_timeout alone applies.
     */
    default java.time.Duration unavailableTimeout() {
        return java.time.Duration.ZERO;
    }

    /** A selector for a single fixed target. */
    static TargetSelector fixed(ServerTarget target) {
        return new TargetSelector() {
            @Override
            public ServerTarget next() {
                return target;
            }

            @Override
            public String toString() {
                return target.toString();
            }
        };
    }
}
