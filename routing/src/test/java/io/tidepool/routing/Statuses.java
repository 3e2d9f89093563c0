package io.tidepool.routing;

import java.time.Duration;
import java.time.Instant;

/** Builders of {@link HostStatus} values for unit tests: checked hosts with the given role and positions. */
public final class Statuses {
    public static final Host H1 = new Host("10.0.0.1", 5432);
    public static final Host H2 = new Host("10.0.0.2", 5432);
    public static final Host H3 = new Host("10.0.0.3", 5432);

    private Statuses() {
    }

    /** A reachable host that reported primary on timeline {@code tl} at WAL {@code lsn}, checked at {@code nanos}. */
    public static HostStatus primary(Host host, long tl, long lsn, long nanos) {
        return new HostStatus(host, HostRole.PRIMARY, HostRole.PRIMARY, true, 1, nanos, Instant.EPOCH, nanos, tl, lsn,
                lsn, 0, Duration.ZERO, null, null);
    }

    public static HostStatus primary(Host host, long tl) {
        return primary(host, tl, 1000, 0);
    }

    /** A reachable standby on timeline {@code tl} that received {@code receive} and replayed {@code replay}. */
    public static HostStatus standby(Host host, long tl, long receive, long replay, Duration delay) {
        return new HostStatus(host, HostRole.STANDBY, HostRole.STANDBY, true, 1, 0, Instant.EPOCH, 0, tl, receive,
                replay, 0, delay, null, null);
    }

    public static HostStatus standby(Host host) {
        return standby(host, 1, 1000, 1000, Duration.ZERO);
    }

    /** A host that is down after having reported {@code reported}. */
    public static HostStatus down(Host host, HostRole reported) {
        return new HostStatus(host, HostRole.DOWN, reported, false, 5, 0, Instant.EPOCH, 0, 1, 0, 0, 0,
                Duration.ZERO, null, "connection refused");
    }

    /** {@code status} with its latest check failed but still within fall. */
    public static HostStatus unreachable(HostStatus status) {
        return new HostStatus(status.host(), status.role(), status.reported(), false, status.checks() + 1,
                status.checkedNanos(), status.checkedAt(), status.verifiedNanos(), status.timeline(), status.walLsn(),
                status.replayLsn(), 0, status.replayDelay(), null, "timeout");
    }
}
