package io.tidepool.testkit;

import java.util.Locale;

/**
 * PostgreSQL's shutdown modes, as {@code pg_ctl stop -m} takes them (<a
 * href="https://www.postgresql.org/docs/current/server-shutdown.html">server-shutdown.html</a>): SMART waits for
 * clients to disconnect, FAST terminates them and checkpoints (57P01 admin_shutdown to each client), IMMEDIATE quits
 * without a checkpoint and recovers at the next start, like a crash but without losing the postmaster's children
 * abruptly. For a real crash see {@link PostgresNode#kill9()}.
 */
public enum StopMode {
    SMART, FAST, IMMEDIATE;

    /** The name {@code pg_ctl -m} expects. */
    public String pgCtlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
