package io.tidepool.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of every host of one database entry, in configuration order, as {@link
 * io.tidepool.routing.monitor.TopologyMonitor} published it. Any thread may read it; a newer snapshot replaces it
 * whole ({@link #version()} grows by one per publication).
 *
 * <p>Write routing (promise P1) asks {@link #primary()}: a host only if exactly one host holds the {@link
 * HostRole#PRIMARY} role after fencing, its latest check reached it, and the snapshot is not {@link #stale()} (after
 * a pause of the pooler, promise P15, until every host has been checked again). Callers that hold a snapshot for a
 * while use {@link #writeHost(long)}, which also refuses a primary whose last successful check is older than the
 * lease, so a pooler that froze and has not noticed yet still does not write on old news.
 *
 * <p>{@link HostStatus#lagBytes()} of a standby is measured against the primary's {@code pg_current_wal_lsn()} at
 * its latest check; while no primary is known, against the furthest WAL position any standby has received (reads
 * go on during a failover).
 *
 * @param version    publication number, from 1
 * @param hosts      every host, in configuration order
 * @param stale      whether a pause of the pooler was detected and not every host has been re-checked since
 * @param leaseNanos how old (monotonic nanoseconds) the primary's last successful check may be for {@link
 *                   #writeHost(long)}
 */
public record Topology(long version, List<HostStatus> hosts, boolean stale, long leaseNanos) {

    public Topology {
        hosts = List.copyOf(hosts);
        if (leaseNanos <= 0) {
            throw new IllegalArgumentException("leaseNanos: " + leaseNanos + " (expected: > 0)");
        }
    }

    /** An initial snapshot: every host {@link HostRole#UNKNOWN}, version 0, no primary. */
    public static Topology initial(List<Host> hosts, long leaseNanos) {
        return new Topology(0, hosts.stream().map(HostStatus::unknown).toList(), false, leaseNanos);
    }

    /**
     * Assembles a snapshot from statuses whose roles are final (fencing applied), filling in each standby's lag
     * bytes against the reference point described in the class comment.
     */
    public static Topology of(long version, List<HostStatus> statuses, boolean stale, long leaseNanos) {
        long reference = 0;
        @Nullable HostStatus primary = uniquePrimary(statuses);
        if (primary != null) {
            reference = primary.walLsn();
        } else {
            for (HostStatus s : statuses) {
                if (s.reported() == HostRole.STANDBY) {
                    reference = Math.max(reference, s.walLsn());
                }
            }
        }
        var withLag = new ArrayList<HostStatus>(statuses.size());
        for (HostStatus s : statuses) {
            boolean standby = s.reported() == HostRole.STANDBY && s.checks() > 0;
            // A standby may have replayed past the primary's position at the primary's (earlier) check: clamp at 0.
            long lag = standby && reference != 0 ? Math.max(0, reference - s.replayLsn()) : 0;
            withLag.add(s.withLagBytes(lag));
        }
        return new Topology(version, withLag, stale, leaseNanos);
    }

    /** The write host, or empty when there is none, more than one claimant, its check failed, or while stale. */
    public Optional<Host> primary() {
        return primaryStatus().map(HostStatus::host);
    }

    /** The write host's status under the same conditions as {@link #primary()}. */
    public Optional<HostStatus> primaryStatus() {
        @Nullable HostStatus p = uniquePrimary(hosts);
        return p != null && p.reachable() && !stale ? Optional.of(p) : Optional.empty();
    }

    /** {@link #primary()}, and only if its last successful check is no older than the lease at {@code nowNanos}. */
    public Optional<Host> writeHost(long nowNanos) {
        return primaryStatus().filter(p -> nowNanos - p.verifiedNanos() <= leaseNanos).map(HostStatus::host);
    }

    /** Reachable standbys within {@code maxLag}, in configuration order: the read targets. */
    public List<HostStatus> standbys(LagLimit maxLag) {
        return hosts.stream().filter(s -> s.readable(maxLag)).toList();
    }

    /** Whether a primary is known but no standby is reachable: the cluster has no redundancy left. */
    public boolean degraded() {
        return primary().isPresent()
                && hosts.stream().noneMatch(s -> s.role() == HostRole.STANDBY && s.reachable());
    }

    /** The status of {@code host}, or empty if it is not one of this topology's hosts. */
    public Optional<HostStatus> status(Host host) {
        Objects.requireNonNull(host, "host");
        return hosts.stream().filter(s -> s.host().equals(host)).findFirst();
    }

    /** The hosts with role {@code role}, in configuration order. */
    public List<Host> hostsIn(HostRole role) {
        return hosts.stream().filter(s -> s.role() == role).map(HostStatus::host).toList();
    }

    private static @Nullable HostStatus uniquePrimary(List<HostStatus> statuses) {
        @Nullable HostStatus found = null;
        for (HostStatus s : statuses) {
            if (s.role() == HostRole.PRIMARY) {
                if (found != null) {
                    return null;                       // ambiguous: fail closed
                }
                found = s;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "Topology v" + version + (stale ? " STALE" : "") + " primary=" + primary().map(Host::toString)
                .orElse("none") + " " + hosts;
    }
}
