package io.tidepool.pooler.routing;

import io.tidepool.pooler.config.Config;
import io.tidepool.pooler.config.DatabaseEntry;
import io.tidepool.pooler.pool.PoolManager;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.pooler.pool.TargetSelector;
import io.tidepool.routing.Host;
import io.tidepool.routing.RoutingConfig;
import io.tidepool.routing.RoutingPolicy;
import io.tidepool.routing.TargetSessionAttrs;
import io.tidepool.routing.TopologyChange;
import io.tidepool.routing.monitor.TopologyMonitor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Owns the topology monitors: one per distinct host list of the routed database entries (so {@code app} and
 * {@code app_ro} over the same hosts share one), kept across reloads while the host list stays, closed when it goes.
 * Topology changes are logged and handed to every pool group, which re-checks its connections on its own loops.
 *
 * <p>Thread-safe: monitors run on virtual threads; {@link #configure} runs under the reload lock.
 */
public final class RoutingService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoutingService.class);

    private final Supplier<PoolManager> pools;
    private final ConcurrentHashMap<List<Host>, TopologyMonitor> monitors = new ConcurrentHashMap<>();
    private volatile RoutingConfig config;
    private volatile RoutingPolicy policy;

    public RoutingService(Supplier<PoolManager> pools) {
        this.pools = pools;
        this.config = RoutingConfig.parse(Map.of(), warning -> { });
        this.policy = RoutingPolicy.of(config);
    }

    /** Applies a configuration: parses [routing], starts monitors for new host lists, stops unused ones. */
    public synchronized void configure(Config c) {
        RoutingConfig fresh = RoutingConfig.parse(c.section("routing"), warning -> log.warn("config: {}", warning));
        boolean changed = !fresh.equals(config);
        config = fresh;
        policy = RoutingPolicy.of(fresh);
        List<List<Host>> wanted = new ArrayList<>();
        for (DatabaseEntry entry : c.databases().values()) {
            if (entry.isRouted()) {
                wanted.add(hosts(entry));
            }
        }
        for (var it = monitors.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (changed || !wanted.contains(entry.getKey())) {
                entry.getValue().close();
                it.remove();
            }
        }
        for (List<Host> hosts : wanted) {
            monitors.computeIfAbsent(hosts, this::start);
        }
    }

    private TopologyMonitor start(List<Host> hosts) {
        TopologyMonitor monitor = TopologyMonitor.start(hosts.toString(), hosts, config);
        var onHost = hostSeen;
        if (onHost != null) {
            hosts.forEach(host -> onHost.accept(host.toString()));
        }
        monitor.addListener(this::onChange);
        log.info("monitoring roles of {} (check_interval={} ms)", hosts, config.checkInterval().toMillis());
        return monitor;
    }

    /** Metrics hooks: set once by the launcher. */
    private volatile io.micrometer.core.instrument.@Nullable Counter failovers;
    private volatile java.util.function.@Nullable Consumer<String> hostSeen;

    public void metrics(io.micrometer.core.instrument.Counter failoverCounter,
                        java.util.function.Consumer<String> onHost) {
        this.failovers = failoverCounter;
        this.hostSeen = onHost;
        monitors.keySet().forEach(hosts -> hosts.forEach(host -> onHost.accept(host.toString())));
    }

    private void onChange(TopologyChange change) {
        var counter = failovers;
        if (counter != null && change.primaryChanged() && change.current().primary().isPresent()
                && change.previous().primary().isPresent()) {
            counter.increment();
        }
        runRoleChangeScript(change);
        log.info("topology changed: {} -> primary {}; role changes {}; fenced {}",
                change.current().version(), change.current().primary().map(Host::toString).orElse("none"),
                change.roleChanges(), change.newlyFenced());
        if (!change.newlyFenced().isEmpty()) {
            log.error("FENCED {}: two hosts claimed to be primary; writes go only to {}", change.newlyFenced(),
                    change.current().primary().map(Host::toString).orElse("no host (writes refused)"));
        }
        if (change.current().degraded()) {
            log.warn("topology degraded: {}", change.current());
        }
        PoolManager manager = pools.get();
        if (manager != null) {                     // null only while the pooler is still starting
            manager.groups().forEach(group -> group.topologyChanged());
        }
    }

    /**
     * The selector for a routed entry. {@code readOnly} (the read-only listener) turns a read-write entry into its
     * read target: standbys, else the primary.
     */
    public TargetSelector selectorFor(DatabaseEntry entry, boolean readOnly, Function<Host, ServerTarget> login) {
        List<Host> hosts = hosts(entry);
        TopologyMonitor monitor = monitors.get(hosts);
        if (monitor == null) {
            monitor = monitors.computeIfAbsent(hosts, this::start);
        }
        TargetSessionAttrs target = entry.targetSessionAttrs() == null ? TargetSessionAttrs.READ_WRITE
                : TargetSessionAttrs.parse(entry.targetSessionAttrs());
        if (readOnly && target.needsPrimary()) {
            target = TargetSessionAttrs.PREFER_STANDBY;
        }
        Map<Host, ServerTarget> byHost = new LinkedHashMap<>();
        hosts.forEach(host -> byHost.put(host, login.apply(host)));
        return new RoutedTargets(monitor, policy, target, byHost);
    }

    /**
     * {@code on_role_change}: the operator's command, run with the old and the new primary ("none" when there is
     * none) as arguments and the whole topology in TIDEPOOL_TOPOLOGY, on a virtual thread with a 30 s limit, so
     * that applications and operators can be told (issue 5). Its failure is logged, never fatal.
     */
    private void runRoleChangeScript(TopologyChange change) {
        String command = config.onRoleChange();
        if (command == null || change.roleChanges().isEmpty()) {
            return;
        }
        String before = change.previous().primary().map(Host::toString).orElse("none");
        String after = change.current().primary().map(Host::toString).orElse("none");
        Thread.ofVirtual().name("on-role-change").start(() -> {
            try {
                var builder = new ProcessBuilder("/bin/sh", "-c", command + " \"$0\" \"$1\"", before, after)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                builder.environment().put("TIDEPOOL_OLD_PRIMARY", before);
                builder.environment().put("TIDEPOOL_NEW_PRIMARY", after);
                builder.environment().put("TIDEPOOL_TOPOLOGY", change.current().toString());
                Process process = builder.start();
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    log.warn("on_role_change did not finish within 30 s: killed");
                } else if (process.exitValue() != 0) {
                    log.warn("on_role_change exited with {}", process.exitValue());
                }
            } catch (Exception e) {
                log.warn("on_role_change could not run: {}", e.toString());
            }
        });
    }

    static List<Host> hosts(DatabaseEntry entry) {
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < entry.hosts().size(); i++) {
            hosts.add(new Host(entry.hosts().get(i), entry.portOf(i)));
        }
        return List.copyOf(hosts);
    }

    public RoutingConfig config() {
        return config;
    }

    /** Every monitor, for SHOW HOSTS and readmission. */
    public Map<List<Host>, TopologyMonitor> monitors() {
        return Map.copyOf(monitors);
    }

    /** The admin command that re-admits a fenced host; true when some monitor knew it as fenced. */
    public boolean readmit(Host host) {
        boolean any = false;
        for (TopologyMonitor monitor : monitors.values()) {
            any |= monitor.readmit(host);
        }
        return any;
    }

    @Override
    public synchronized void close() {
        monitors.values().forEach(TopologyMonitor::close);
        monitors.clear();
    }
}
