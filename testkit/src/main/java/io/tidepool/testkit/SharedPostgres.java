package io.tidepool.testkit;

import org.jspecify.annotations.Nullable;

/**
 * One PostgreSQL cluster (primary + 1 streaming standby) shared by every test class in the JVM that just needs "a
 * PostgreSQL": started on the first {@link #get()}, stopped at JVM exit by the cluster's shutdown hook, so the suite
 * pays the start cost once. Rules for users: do not close, stop, crash or promote it (build a private {@link
 * PostgresCluster} for that); create your own roles, databases and tables with unique names; undo pg_hba.conf or
 * postgresql.conf changes with {@link PostgresNode#resetConfig()}. Thread-safe.
 */
public final class SharedPostgres {
    private static @Nullable PostgresCluster cluster;

    private SharedPostgres() {
    }

    /** The shared cluster, started now if this is the first call (or if someone closed it against the rules). */
    public static synchronized PostgresCluster get() {
        PostgresCluster current = cluster;
        if (current == null || current.isClosed()) {
            current = PostgresCluster.builder().standbys(1).start();
            cluster = current;
        }
        return current;
    }

    /** The shared cluster's primary. */
    public static PostgresNode primary() {
        return get().primary();
    }
}
