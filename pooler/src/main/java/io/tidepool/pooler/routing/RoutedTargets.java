package io.tidepool.pooler.routing;

import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.pooler.pool.TargetSelector;
import io.tidepool.routing.Host;
import io.tidepool.routing.RoutingPolicy;
import io.tidepool.routing.TargetSessionAttrs;
import io.tidepool.routing.Topology;
import io.tidepool.routing.monitor.TopologyMonitor;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Map;

/**
 * Where a routed pool's next server connection goes: for read-write, the host the latest topology names primary
 * (and only while its lease is fresh: promise P1, P15); otherwise the policy's best standby, falling back to the
 * primary where the target allows it. Null means "no usable host now": the pool keeps its clients waiting, bounded
 * by failover_wait_timeout.
 *
 * @param monitor the topology of the entry's hosts
 * @param policy  standby choice and lag limit
 * @param target  the entry's target_session_attrs
 * @param byHost  the login target for each host (same database, user, credential)
 */
public record RoutedTargets(TopologyMonitor monitor, RoutingPolicy policy, TargetSessionAttrs target,
                            Map<Host, ServerTarget> byHost) implements TargetSelector {

    @Override
    public @Nullable ServerTarget next() {
        Topology topology = monitor.topology();
        var host = target.needsPrimary() ? topology.writeHost(System.nanoTime()) : policy.pick(topology, target);
        return host.map(byHost::get).orElse(null);
    }

    @Override
    public boolean stillValid(ServerTarget server) {
        Host host = new Host(server.host(), server.port());
        Topology topology = monitor.topology();
        if (target.needsPrimary()) {
            return topology.primary().map(host::equals).orElse(false);
        }
        var candidates = policy.candidates(topology, target);
        // A read pool that fell back to the primary lets go of it as soon as a standby qualifies again.
        boolean isPrimary = topology.primary().map(host::equals).orElse(false);
        return candidates.contains(host) && !(isPrimary && candidates.size() > 1);
    }

    @Override
    public void serverFailed(ServerTarget server) {
        // A refused or broken connection is news: check that host now instead of at the next interval.
        monitor.recheckNow(new Host(server.host(), server.port()));
    }

    @Override
    public void serverReported(ServerTarget server, String name, String value) {
        // PostgreSQL 14+ reports in_hot_standby=off when a standby is promoted: the fastest signal there is.
        if (name.equals("in_hot_standby")) {
            monitor.recheckNow(new Host(server.host(), server.port()));
        }
    }

    @Override
    public Duration unavailableTimeout() {
        return monitor.config().failoverWaitTimeout();
    }

    @Override
    public String toString() {
        return target.configName() + " over " + byHost.keySet();
    }
}
