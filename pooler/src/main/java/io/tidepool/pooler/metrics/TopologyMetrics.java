package io.tidepool.pooler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidepool.pooler.routing.RoutingService;

import io.tidepool.routing.HostStatus;
import io.tidepool.vip.VrrpInstance;
import org.jspecify.annotations.Nullable;

import java.util.function.Supplier;

/**
 * Routing and VRRP figures (issue 7): the role of every monitored host, failovers, time without a primary,
 * fencing events, degraded topologies, and the VRRP state and transitions. Read from the live objects at scrape
 * time; nothing is recorded on the data path.
 */
public final class TopologyMetrics {
    private TopologyMetrics() {
    }

    /** Registers the routing meters; host gauges are registered as hosts appear. */
    public static Counter register(MeterRegistry registry, RoutingService routing) {
        Gauge.builder("tidepool.routing.hosts.without.primary", routing, r -> r.monitors().values().stream()
                        .filter(m -> m.topology().primary().isEmpty()).count())
                .description("host groups that have no known primary now (writes wait, then fail closed)")
                .register(registry);
        Gauge.builder("tidepool.routing.degraded", routing, r -> r.monitors().values().stream()
                        .filter(m -> m.topology().degraded()).count())
                .description("host groups whose primary has no usable standby").register(registry);
        Gauge.builder("tidepool.routing.fencing.events", routing, r -> r.monitors().values().stream()
                        .mapToLong(m -> m.fencingEvents()).sum())
                .description("hosts fenced because two claimed to be primary").register(registry);
        return Counter.builder("tidepool.routing.failovers").description("changes of the primary host")
                .register(registry);
    }

    /** A gauge per host: 1 primary, 0 standby, -1 down or unknown, -2 fenced. */
    public static void registerHost(MeterRegistry registry, RoutingService routing, String host) {
        Gauge.builder("tidepool.routing.host.role", routing, r -> roleOf(r, host)).tag("host", host)
                .description("1 primary, 0 standby, -1 down or unknown, -2 fenced").register(registry);
    }

    private static double roleOf(RoutingService routing, String host) {
        for (var monitor : routing.monitors().values()) {
            for (HostStatus status : monitor.topology().hosts()) {
                if (status.host().toString().equals(host)) {
                    return switch (status.role()) {
                        case PRIMARY -> 1;
                        case STANDBY -> 0;
                        case FENCED -> -2;
                        case DOWN, UNKNOWN -> -1;
                    };
                }
            }
        }
        return -1;
    }

    /** VRRP: 2 master, 1 backup, 0 initialize, -1 fault; priorities and advert counters. */
    public static void registerVrrp(MeterRegistry registry, Supplier<@Nullable VrrpInstance> vrrp) {
        Gauge.builder("tidepool.vrrp.state", vrrp, v -> {
            VrrpInstance instance = v.get();
            if (instance == null) {
                return Double.NaN;
            }
            return switch (instance.status().state().name()) {
                case "MASTER" -> 2;
                case "BACKUP" -> 1;
                case "FAULT" -> -1;
                default -> 0;
            };
        }).description("2 master, 1 backup, 0 initialize, -1 fault").register(registry);
        Gauge.builder("tidepool.vrrp.effective.priority", vrrp,
                v -> v.get() == null ? Double.NaN : v.get().status().effectivePriority()).register(registry);
        Gauge.builder("tidepool.vrrp.adverts.received", vrrp,
                v -> v.get() == null ? Double.NaN : v.get().status().advertsReceived()).register(registry);
        Gauge.builder("tidepool.vrrp.adverts.sent", vrrp,
                v -> v.get() == null ? Double.NaN : v.get().status().advertsSent()).register(registry);
        Gauge.builder("tidepool.vrrp.adverts.dropped", vrrp,
                v -> v.get() == null ? Double.NaN : v.get().status().droppedTotal()).register(registry);
    }

}
