/**
 * Role monitoring: one {@link io.tidepool.routing.monitor.RoleMonitor} per host, on its own virtual thread, asks the
 * host what it is with one JDBC query per check ({@link io.tidepool.routing.monitor.RoleProbe}), applies rise/fall
 * ({@link io.tidepool.routing.monitor.HostTracker}) and watches the monotonic clock for pauses of the pooler
 * ({@link io.tidepool.routing.monitor.PauseDetector}, promise P15). {@link
 * io.tidepool.routing.monitor.TopologyMonitor} combines a database entry's monitors, applies the fencing rules and
 * publishes {@link io.tidepool.routing.Topology} snapshots to its listeners. The pure parts (tracker, pause
 * detector, fencing) are separate from the threads and the JDBC so that tests drive them with a fake probe and a
 * {@link io.tidepool.routing.monitor.MonitorClock} they advance by hand.
 */
@NullMarked
package io.tidepool.routing.monitor;

import org.jspecify.annotations.NullMarked;
