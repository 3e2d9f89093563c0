package io.tidepool.routing.monitor;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.routing.HostStatus;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Rise/fall hysteresis for one host (HAProxy's {@code rise}/{@code fall}, keepalived's {@code vrrp_script}): turns
 * each check outcome into the host's {@link HostStatus} with a role of {@link HostRole#PRIMARY}, {@link
 * HostRole#STANDBY}, {@link HostRole#DOWN} or {@link HostRole#UNKNOWN} (fencing comes later).
 * <ul>
 *   <li>The first check decides alone: up with the reported role, or down.</li>
 *   <li>An up host goes down after {@code fall} consecutive failures; until then it keeps its role with
 *       {@code reachable = false} (a primary in that state gets no new writes: {@link
 *       io.tidepool.routing.Topology#primary()} requires the latest check to have succeeded).</li>
 *   <li>A down host comes back after {@code rise} consecutive successes.</li>
 *   <li>A role reported by a successful check of an up host applies at once: a primary that reports recovery is
 *       not a primary any more, and a promotion is a fact, not a flap.</li>
 * </ul>
 * Pure state; owned by the host's {@link RoleMonitor} and used only on its thread.
 */
public final class HostTracker {
    private final Host host;
    private final int rise;
    private final int fall;
    private @Nullable Boolean up;                      // null until the first check
    private int successes;
    private int failures;
    private long checks;
    private HostStatus last;

    /** A tracker for {@code host} with the given thresholds (both at least 1). */
    public HostTracker(Host host, int rise, int fall) {
        this.host = Objects.requireNonNull(host, "host");
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise/fall: " + rise + "/" + fall + " (expected: >= 1)");
        }
        this.rise = rise;
        this.fall = fall;
        this.last = HostStatus.unknown(host);
    }

    /** Records a successful check that ended at {@code nanos} / {@code wall}; returns the new status. */
    public HostStatus onSuccess(ProbeResult result, long nanos, Instant wall) {
        successes++;
        failures = 0;
        checks++;
        if (up == null || successes >= rise) {
            up = true;
        }
        HostRole role = up ? result.role() : HostRole.DOWN;
        last = new HostStatus(host, role, result.role(), true, checks, nanos, wall, nanos, result.timeline(),
                result.walLsn(), result.replayLsn(), 0, result.replayDelay(), null, null);
        return last;
    }

    /** Records a failed check ({@code error} says why) that ended at {@code nanos} / {@code wall}. */
    public HostStatus onFailure(String error, long nanos, Instant wall) {
        failures++;
        successes = 0;
        checks++;
        if (up == null || failures >= fall) {
            up = false;
        }
        HostRole role = up ? last.role() : HostRole.DOWN;
        last = new HostStatus(host, role, last.reported(), false, checks, nanos, wall, last.verifiedNanos(),
                last.timeline(), last.walLsn(), last.replayLsn(), 0, last.replayDelay(), null, error);
        return last;
    }

    /** The latest status ({@link HostStatus#unknown} before the first check). */
    public HostStatus status() {
        return last;
    }

    /** Consecutive failures so far (0 after a success). */
    public int failures() {
        return failures;
    }

    @Override
    public String toString() {
        return "HostTracker[" + host + " up=" + up + " successes=" + successes + " failures=" + failures + "]";
    }
}
