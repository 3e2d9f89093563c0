package io.tidepool.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the pooler knows about one host at one moment: its routing role, what it last reported, when it was last
 * checked, its timeline and WAL positions, and why it is fenced if it is. Immutable; built by the host's {@link
 * io.tidepool.routing.monitor.RoleMonitor} and finished by the fencing rules and {@link Topology} (role verdict and
 * lag bytes). The {@code SHOW HOSTS} row of the admin console is this record.
 *
 * <p>WAL positions are byte offsets ({@code pg_lsn - '0/0'}); {@code 0} is PostgreSQL's {@code InvalidXLogRecPtr},
 * "not known" ({@code access/xlogdefs.h}).
 *
 * @param host          the host
 * @param role          the routing role (after rise/fall and fencing)
 * @param reported      what the host said on its last successful check ({@link HostRole#PRIMARY} or {@link
 *                      HostRole#STANDBY}), {@link HostRole#UNKNOWN} before the first one
 * @param reachable     whether the latest check succeeded
 * @param checks        completed checks, successful or not; {@code 0} before the first
 * @param checkedNanos  monotonic time ({@link System#nanoTime()} or the monitor's clock) the latest check ended
 * @param checkedAt     wall-clock time of the same moment, for people ({@link Instant#EPOCH} before the first)
 * @param verifiedNanos monotonic time the latest successful check ended (the write lease counts from here)
 * @param timeline      the timeline the host is on, {@code 0} if unknown
 * @param walLsn        on a primary {@code pg_current_wal_lsn()}, on a standby {@code pg_last_wal_receive_lsn()}
 * @param replayLsn     on a standby {@code pg_last_wal_replay_lsn()}, on a primary equal to {@code walLsn}
 * @param lagBytes      WAL bytes a standby has not replayed (see {@link Topology} for the reference point); 0 on a
 *                      primary
 * @param replayDelay   on a standby with WAL pending, {@code now() - pg_last_xact_replay_timestamp()}; zero when it
 *                      has replayed all it received, and on a primary
 * @param fenceReason   why the host is {@link HostRole#FENCED}, else null
 * @param lastError     the latest check's error text if it failed, else null
 */
public record HostStatus(
        Host host,
        HostRole role,
        HostRole reported,
        boolean reachable,
        long checks,
        long checkedNanos,
        Instant checkedAt,
        long verifiedNanos,
        long timeline,
        long walLsn,
        long replayLsn,
        long lagBytes,
        Duration replayDelay,
        @Nullable String fenceReason,
        @Nullable String lastError) {

    public HostStatus {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(reported, "reported");
        Objects.requireNonNull(checkedAt, "checkedAt");
        Objects.requireNonNull(replayDelay, "replayDelay");
        if ((role == HostRole.FENCED) != (fenceReason != null)) {
            throw new IllegalArgumentException(host + ": role " + role + " with fence reason " + fenceReason
                    + " (expected: a reason exactly when FENCED)");
        }
    }

    /** The status of a host that has not been checked yet. */
    public static HostStatus unknown(Host host) {
        return new HostStatus(host, HostRole.UNKNOWN, HostRole.UNKNOWN, false, 0, 0, Instant.EPOCH, 0, 0, 0, 0, 0,
                Duration.ZERO, null, null);
    }

    /** This status with the fencing verdict applied. */
    public HostStatus fenced(String reason) {
        return new HostStatus(host, HostRole.FENCED, reported, reachable, checks, checkedNanos, checkedAt,
                verifiedNanos, timeline, walLsn, replayLsn, lagBytes, replayDelay, reason, lastError);
    }

    /** This status with {@code lagBytes} set. */
    public HostStatus withLagBytes(long bytes) {
        return new HostStatus(host, role, reported, reachable, checks, checkedNanos, checkedAt, verifiedNanos,
                timeline, walLsn, replayLsn, bytes, replayDelay, fenceReason, lastError);
    }

    /** Whether this host is a reachable standby within {@code limit}: a candidate for reads. */
    public boolean readable(LagLimit limit) {
        return role == HostRole.STANDBY && reachable && limit.admits(lagBytes, replayDelay);
    }

    /** A WAL byte position in PostgreSQL's {@code pg_lsn} text form ({@code 16/B374D848}). */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase();
    }

    @Override
    public String toString() {
        return host + " " + role + (role == HostRole.FENCED ? "(" + fenceReason + ")" : "")
                + " reported=" + reported + " reachable=" + reachable + " tl=" + timeline
                + " wal=" + formatLsn(walLsn) + " replay=" + formatLsn(replayLsn) + " lag=" + lagBytes + "B/"
                + replayDelay.toMillis() + "ms" + (lastError != null ? " error=" + lastError : "");
    }
}
