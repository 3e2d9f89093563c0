package io.tidepool.routing;

/**
 * Receives each routing-relevant {@link TopologyChange} of one {@link
 * io.tidepool.routing.monitor.TopologyMonitor}: a role, reachability, fencing, staleness or read-eligibility change
 * (not every WAL position update; read {@link io.tidepool.routing.monitor.TopologyMonitor#topology()} for those).
 *
 * <p>Called on a monitor thread (a virtual thread), one change at a time and in publication order. An implementation
 * must return quickly and must not block: the pooler hops to its event loops ({@code eventLoop.execute(...)}) and
 * does the closing and waking there. An exception thrown here is logged and does not stop the monitor.
 */
@FunctionalInterface
public interface TopologyListener {

    /** A new snapshot was published; {@code change.current()} is the one now returned by the monitor. */
    void onTopologyChange(TopologyChange change);
}
