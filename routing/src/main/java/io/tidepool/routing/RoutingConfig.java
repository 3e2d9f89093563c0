package io.tidepool.routing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The {@code [routing]} section: how hosts are checked and how reads and writes are routed. Parsed from the raw
 * section map (lower-case keys, raw values) that the pooler's config loader keeps for this module; immutable, shared
 * by all threads. Durations are seconds with an optional fraction ({@code 0.5}) or with a unit ({@code 500ms},
 * {@code 2s}, {@code 1min}); sizes are bytes with an optional {@code kB}, {@code MB} or {@code GB} (1024-based, as
 * PostgreSQL's own settings).
 *
 * @param checkInterval         {@code check_interval} (default 1 s, at least 0.1 s): time from the end of one check of
 *                              a host to the start of the next. A check that starts later than that by more than
 *                              {@link #pauseThreshold()} reveals a pause of the pooler (promise P15)
 * @param checkTimeout          {@code check_timeout} (default 2 s): a check (connect, login and the query) that has
 *                              not answered by then fails and its connection is dropped
 * @param rise                  {@code rise} (default 2): consecutive successful checks that bring a {@link
 *                              HostRole#DOWN} host back (HAProxy's meaning). The very first check of a host decides
 *                              on its own, so a pooler that starts knows its primary after one check
 * @param fall                  {@code fall} (default 3): consecutive failed checks that make a host {@link
 *                              HostRole#DOWN}. A primary whose latest check failed gets no new writes even before
 *                              that (promise P1: the primary of a write is verified on its latest check)
 * @param maxStandbyLag         {@code max_standby_lag_bytes} (default 16MB; 0 = no byte limit) and {@code
 *                              max_standby_lag_seconds} (default 0 = no time limit): a standby further behind gets no
 *                              reads. The time measure is {@code now() - pg_last_xact_replay_timestamp()} while WAL is
 *                              pending, which overstates the lag right after a long idle period of the primary; bytes
 *                              are the better measure
 * @param standbyBalance        {@code standby_balance} (default round_robin; least_lag, random)
 * @param readFallbackToPrimary {@code read_fallback_to_primary} (default no): whether read-only targets use the
 *                              primary when no standby qualifies ({@code prefer-standby} always does)
 * @param failoverWaitTimeout   {@code failover_wait_timeout} (default 30 s): how long a new write transaction waits for
 *                              a primary before it fails with 08006; 0 fails at once
 * @param monitorUser           {@code monitor_user} (default postgres): the role the monitors log in as; it needs no
 *                              privilege beyond LOGIN ({@code pg_monitor} not required for these functions)
 * @param monitorPassword       {@code monitor_password} (default none: trust, peer or a {@code .pgpass} of the pooler's
 *                              OS user)
 * @param monitorDbname         {@code monitor_dbname} (default postgres)
 * @param onRoleChange          {@code on_role_change} (default none): a command the pooler runs with the old and new
 *                              topology when the primary changes; null when unset
 * @param readonlyListenPort    {@code readonly_listen_port} (default 0 = none): a second listener mapping every
 *                              database to its read-only target (HAProxy's two-port layout); served by the pooler
 */
public record RoutingConfig(
        Duration checkInterval,
        Duration checkTimeout,
        int rise,
        int fall,
        LagLimit maxStandbyLag,
        StandbyBalance standbyBalance,
        boolean readFallbackToPrimary,
        Duration failoverWaitTimeout,
        String monitorUser,
        @Nullable String monitorPassword,
        String monitorDbname,
        @Nullable String onRoleChange,
        int readonlyListenPort) {

    private static final Duration MIN_CHECK_INTERVAL = Duration.ofMillis(100);
    /** The defaults (an absent {@code [routing]} section). */
    public static final RoutingConfig DEFAULTS = parse(Map.of(), warning -> { });

    public RoutingConfig {
        requireAtLeast("check_interval", checkInterval, MIN_CHECK_INTERVAL);
        requireAtLeast("check_timeout", checkTimeout, Duration.ofMillis(10));
        Objects.requireNonNull(failoverWaitTimeout, "failoverWaitTimeout");
        if (failoverWaitTimeout.isNegative()) {
            throw new IllegalArgumentException("failover_wait_timeout: " + failoverWaitTimeout + " (expected: >= 0)");
        }
        if (rise < 1 || rise > 1000) {
            throw new IllegalArgumentException("rise: " + rise + " (expected: 1..1000)");
        }
        if (fall < 1 || fall > 1000) {
            throw new IllegalArgumentException("fall: " + fall + " (expected: 1..1000)");
        }
        Objects.requireNonNull(maxStandbyLag, "maxStandbyLag");
        Objects.requireNonNull(standbyBalance, "standbyBalance");
        Objects.requireNonNull(monitorUser, "monitorUser");
        Objects.requireNonNull(monitorDbname, "monitorDbname");
        if (readonlyListenPort < 0 || readonlyListenPort > 65535) {
            throw new IllegalArgumentException("readonly_listen_port: " + readonlyListenPort + " (expected: 0..65535)");
        }
    }

    /**
     * Parses a raw {@code [routing]} section. Unknown keys are reported to {@code warnings} (the loader logs them
     * with their file position) and otherwise ignored; a bad value throws {@link IllegalArgumentException} naming the
     * key, the value and what was expected.
     */
    public static RoutingConfig parse(Map<String, String> section, Consumer<String> warnings) {
        var keys = new LinkedHashMap<String, String>(section);
        var values = new ConfigValues(keys);
        var config = new RoutingConfig(
                values.duration("check_interval", Duration.ofSeconds(1)),
                values.duration("check_timeout", Duration.ofSeconds(2)),
                values.integer("rise", 2),
                values.integer("fall", 3),
                new LagLimit(values.size("max_standby_lag_bytes", 16L << 20),
                        values.duration("max_standby_lag_seconds", Duration.ZERO)),
                StandbyBalance.parse(values.string("standby_balance", "round_robin")),
                values.bool("read_fallback_to_primary", false),
                values.duration("failover_wait_timeout", Duration.ofSeconds(30)),
                values.string("monitor_user", "postgres"),
                values.optionalString("monitor_password"),
                values.string("monitor_dbname", "postgres"),
                values.optionalString("on_role_change"),
                values.integer("readonly_listen_port", 0));
        keys.keySet().forEach(key -> warnings.accept("[routing] unknown key: " + key));
        return config;
    }

    /**
     * How much later than scheduled a check may start before it counts as a pause of the pooler: the check interval,
     * but at least 200 ms so that scheduling noise on a busy machine does not mark the topology stale.
     */
    public Duration pauseThreshold() {
        return checkInterval.compareTo(Duration.ofMillis(200)) > 0 ? checkInterval : Duration.ofMillis(200);
    }

    /**
     * How old the primary's last successful check may be before {@link Topology#writeHost(long)} refuses it: two
     * intervals plus the timeout, which a monitor that is running keeps fresh.
     */
    public Duration writeLease() {
        return checkInterval.multipliedBy(2).plus(checkTimeout);
    }

    private static void requireAtLeast(String key, Duration value, Duration min) {
        Objects.requireNonNull(value, key);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(key + ": " + value.toMillis() + "ms (expected: >= " + min.toMillis()
                    + "ms)");
        }
    }

    @Override
    public String toString() {
        // monitor_password is a secret (promise P11): never printed.
        return "RoutingConfig[check_interval=" + checkInterval + ", check_timeout=" + checkTimeout + ", rise=" + rise
                + ", fall=" + fall + ", max_standby_lag=" + maxStandbyLag + ", standby_balance="
                + standbyBalance.configName() + ", read_fallback_to_primary=" + readFallbackToPrimary
                + ", failover_wait_timeout=" + failoverWaitTimeout + ", monitor_user=" + monitorUser
                + ", monitor_password=" + (monitorPassword == null ? "none" : "***") + ", monitor_dbname="
                + monitorDbname + ", on_role_change=" + onRoleChange + ", readonly_listen_port=" + readonlyListenPort
                + "]";
    }
}
