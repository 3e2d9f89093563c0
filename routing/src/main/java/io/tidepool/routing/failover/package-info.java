/**
 * Fencing and change detection as pure functions. {@link io.tidepool.routing.failover.FencingRules} takes what the
 * monitors observed plus the remembered {@link io.tidepool.routing.failover.FenceBook} and returns the routing role
 * of every host: two primaries resolve to the one on the newer timeline (the other is fenced), a tie fences both
 * (fail closed), and a primary that failed and was replaced is never re-admitted as a primary without an operator.
 * {@link io.tidepool.routing.failover.ChangeRules} compares two snapshots and names the server connections to close.
 * No I/O, no clock, no threads: {@link io.tidepool.routing.monitor.TopologyMonitor} calls these under its lock and
 * does the logging and counting.
 */
@NullMarked
package io.tidepool.routing.failover;

import org.jspecify.annotations.NullMarked;
