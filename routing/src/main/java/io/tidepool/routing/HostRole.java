package io.tidepool.routing;

/**
 * The routing role of a host in a {@link Topology}. A role is an observation plus the fencing verdict, not a state
 * machine the pooler drives: {@code PRIMARY} and {@code STANDBY} are what the host reported on its checks
 * ({@code pg_is_in_recovery()}), {@code DOWN} and {@code UNKNOWN} come from the rise/fall counters, and {@code FENCED}
 * is the verdict of {@link io.tidepool.routing.failover.FencingRules} that overrides whatever the host says.
 */
public enum HostRole {
    /** Reported {@code pg_is_in_recovery() = false} and won the fencing rules: the only write target. */
    PRIMARY,
    /** Reported {@code pg_is_in_recovery() = true}: a read target while its lag allows. */
    STANDBY,
    /** No completed check yet (just started): gets no traffic. */
    UNKNOWN,
    /** Failed {@code fall} consecutive checks (or the first one), and has not passed {@code rise} since. */
    DOWN,
    /**
     * Must get no traffic whatever it reports: it claimed primary on an older timeline than another primary, or tied
     * with one, or came back as a primary after another host had taken over. Sticky until an operator re-admits it.
     */
    FENCED;

    /** Whether the pooler may keep or open server connections in this role (for its role's kind of traffic). */
    public boolean servesTraffic() {
        return switch (this) {
            case PRIMARY, STANDBY -> true;
            case UNKNOWN, DOWN, FENCED -> false;
        };
    }
}
