/**
 * Primary/standby routing: what the pooler knows about the hosts of a database entry and how it picks one. The
 * per-host view is an immutable {@link io.tidepool.routing.HostStatus}; the whole set is an immutable
 * {@link io.tidepool.routing.Topology} snapshot published by {@link io.tidepool.routing.monitor.TopologyMonitor},
 * whose {@link io.tidepool.routing.TopologyListener}s receive a {@link io.tidepool.routing.TopologyChange} that
 * lists the hosts whose server connections must be closed. {@link io.tidepool.routing.RoutingPolicy} turns a
 * snapshot into a write host (the verified primary only, never a guess: promise P1) or a read host (a standby under
 * the lag limit, by round robin, least lag or at random). {@link io.tidepool.routing.RoutingConfig} is the parsed
 * {@code [routing]} section. Everything here is immutable or thread-safe and free of I/O, so event loops call it
 * directly.
 */
@NullMarked
package io.tidepool.routing;

import org.jspecify.annotations.NullMarked;
