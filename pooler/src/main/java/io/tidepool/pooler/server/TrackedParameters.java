package io.tidepool.pooler.server;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The session parameters that transaction and statement pooling carry with each client (PgBouncer's varcache): the
 * five PgBouncer always tracks plus those named in {@code track_extra_parameters} (default {@code IntervalStyle}).
 * For these, a value the server reports with ParameterStatus (after a SET, whatever protocol carried it) becomes the
 * client's own and is set on its next server connection, and a SET that reported nothing else is not session state.
 *
 * <p>Only parameters PostgreSQL reports can be learnt from the server this way (PostgreSQL 15: IntervalStyle,
 * default_transaction_read_only...; search_path only from PostgreSQL 18 or with Citus); every parameter a client
 * sends at startup, and every plain {@code SET} a simple Query carries, follows the client whether tracked or not.
 * {@code options} itself cannot be tracked (PgBouncer's rule): its {@code -c name=value} switches are parameters of
 * their own.
 *
 * <p>Immutable and shared by every pool: the key needs a restart, so a reload keeps the set the pooler started with.
 *
 * @param names lower-case parameter names (GUC names compare case-insensitively)
 */
public record TrackedParameters(Set<String> names) {
    /** What PgBouncer tracks whatever its configuration says, lower case. */
    public static final Set<String> BUILT_IN = Set.of("client_encoding", "datestyle", "timezone",
            "standard_conforming_strings", "application_name");

    /**
     * Reported parameters no client can set (PostgreSQL 15's GUC_REPORT list, read-only ones): tracking one would
     * only turn a difference between two servers into a failed set_config and a dropped client, so they are skipped.
     */
    static final Set<String> READ_ONLY = Set.of("server_version", "server_encoding", "integer_datetimes",
            "is_superuser", "in_hot_standby");

    /** The built-in five plus track_extra_parameters' default, IntervalStyle. */
    public static final TrackedParameters DEFAULT = of(Set.of("IntervalStyle"));

    public TrackedParameters {
        names = Set.copyOf(names);
    }

    /**
     * The built-in five plus {@code extra} (track_extra_parameters, any case); {@code options} and the
     * {@link #READ_ONLY} parameters are skipped.
     */
    public static TrackedParameters of(Collection<String> extra) {
        Set<String> all = new HashSet<>(BUILT_IN);
        for (String name : extra) {
            String lower = name.strip().toLowerCase(Locale.ROOT);
            if (!lower.isEmpty() && !lower.equals("options") && !READ_ONLY.contains(lower)) {
                all.add(lower);
            }
        }
        return new TrackedParameters(all);
    }

    /**
     * Whether {@code name} is tracked. Allocation-free for names already in lower case (the per-client maps keep
     * them so); a server's ParameterStatus names (TimeZone) are lowered once, on a message that is rare anyway.
     */
    public boolean contains(String name) {
        return names.contains(name.toLowerCase(Locale.ROOT));
    }
}
