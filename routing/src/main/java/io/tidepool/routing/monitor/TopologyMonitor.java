package io.tidepool.routing.monitor;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.routing.HostStatus;
import io.tidepool.routing.RoutingConfig;
import io.tidepool.routing.Topology;
import io.tidepool.routing.TopologyChange;
import io.tidepool.routing.TopologyListener;
import io.tidepool.routing.failover.ChangeRules;
import io.tidepool.routing.failover.FenceBook;
import io.tidepool.routing.failover.FencingRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role monitors of one set of hosts (one database entry's {@code host=} list; entries with the same list should
 * share one) combined into one published {@link Topology}. Each {@link RoleMonitor} reports on its own virtual
 * thread; this class, under its lock, applies the {@link FencingRules} to the latest status of every host,
 * assembles the snapshot, stores it in an atomic reference ({@link #topology()}: lock-free reads from any thread),
 * and, if {@link ChangeRules} says the change matters, notifies the listeners on that same monitor thread, in
 * order. It also marks the snapshot stale when a monitor reports a pause, until every host has been checked again,
 * and wakes the callers of {@link #whenPrimary(Duration)}.
 *
 * <p>Every transition an operator cares about is one log line: role changes (INFO), a lost or found primary and a
 * degraded topology (WARN), fencing (ERROR, counted in {@link #fencingEvents()}), pauses (WARN).
 */
public final class TopologyMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopologyMonitor.class);

    private final String name;
    private final RoutingConfig config;
    private final MonitorClock clock;
    private final Map<Host, RoleMonitor> monitors = new LinkedHashMap<>();
    private final @Nullable ScheduledExecutorService watchdog;
    private final List<TopologyListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong fencingEvents = new AtomicLong();
    private final Object lock = new Object();
    private final Map<Host, HostStatus> observed = new LinkedHashMap<>();          // guarded by lock
    private final Map<Host, Long> lastCheckStart = new LinkedHashMap<>();          // guarded by lock
    private final List<CompletableFuture<Host>> primaryWaiters = new ArrayList<>(); // guarded by lock
    private FenceBook book = FenceBook.EMPTY;                                      // guarded by lock
    private @Nullable Long staleSince;                                             // guarded by lock
    private volatile Topology current;
    private volatile boolean closed;

    private TopologyMonitor(String name, List<Host> hosts, RoutingConfig config, Function<Host, HostProbe> probes,
            MonitorClock clock, boolean withWatchdog) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (hosts.isEmpty() || new LinkedHashSet<>(hosts).size() != hosts.size()) {
            throw new IllegalArgumentException("hosts: " + hosts + " (expected: at least one, no duplicates)");
        }
        this.watchdog = withWatchdog ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tidepool-monitor-watchdog-" + name).factory()) : null;
        var sink = new Sink();
        for (Host host : hosts) {
            monitors.put(host, new RoleMonitor(host, config, probes.apply(host), clock, watchdog, sink));
            observed.put(host, HostStatus.unknown(host));
        }
        this.current = Topology.initial(hosts, config.writeLease().toNanos());
    }

    /**
     * Starts monitoring {@code hosts} with real {@link RoleProbe}s and the system clock: one virtual thread per host,
     * first checks at once. {@code name} names the set in logs (the database entry, or the host list).
     */
    public static TopologyMonitor start(String name, List<Host> hosts, RoutingConfig config) {
        return start(name, hosts, config, host -> new RoleProbe(host, config), MonitorClock.SYSTEM);
    }

    /** A started monitor with the given probes and clock (tests with fake probes). */
    static TopologyMonitor start(String name, List<Host> hosts, RoutingConfig config,
            Function<Host, HostProbe> probes, MonitorClock clock) {
        var monitor = new TopologyMonitor(name, hosts, config, probes, clock, true);
        monitor.monitors.values().forEach(RoleMonitor::start);
        return monitor;
    }

    /** A monitor whose threads are not started: tests drive {@link #monitor(Host)}{@code .check(...)} by hand. */
    static TopologyMonitor manual(String name, List<Host> hosts, RoutingConfig config,
            Function<Host, HostProbe> probes, MonitorClock clock) {
        return new TopologyMonitor(name, hosts, config, probes, clock, false);
    }

    /** The latest snapshot (updated after every check; listeners only hear of routing-relevant changes). */
    public Topology topology() {
        return current;
    }

    /** The configuration this monitor runs with. */
    public RoutingConfig config() {
        return config;
    }

    /** Adds a listener; it hears of changes published from now on (read {@link #topology()} for the present). */
    public void addListener(TopologyListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before; a no-op otherwise. */
    public void removeListener(TopologyListener listener) {
        listeners.remove(listener);
    }

    /** Asks the monitor of {@code host} for an immediate check (see {@link RoleMonitor#recheckNow()}). Any thread. */
    public void recheckNow(Host host) {
        RoleMonitor monitor = monitors.get(host);
        if (monitor == null) {
            throw new IllegalArgumentException("host: " + host + " (expected: one of " + monitors.keySet() + ")");
        }
        monitor.recheckNow();
    }

    /** Asks every host's monitor for an immediate check. Any thread. */
    public void recheckAll() {
        monitors.values().forEach(RoleMonitor::recheckNow);
    }

    /**
     * The operator's re-admission of a fenced or superseded host (the admin command). The fencing rules apply to it
     * again at once: it becomes primary only if it is the sole claimant or on the newest timeline. Returns false if
     * the host was neither fenced nor superseded.
     */
    public boolean readmit(Host host) {
        synchronized (lock) {
            if (!monitors.containsKey(host)) {
                throw new IllegalArgumentException("host: " + host + " (expected: one of " + monitors.keySet() + ")");
            }
            if (!book.holds(host)) {
                return false;
            }
            log.warn("routing {}: {} re-admitted by an operator (was: {})", name, host,
                    book.fenced().getOrDefault(host, "superseded former primary"));
            book = book.readmit(host);
            publish();
        }
        recheckNow(host);
        return true;
    }

    /**
     * A future completed with the write host as soon as there is one (at once if there is one now), or failed with a
     * {@link java.util.concurrent.TimeoutException} after {@code timeout} ({@code failover_wait_timeout}). It
     * completes on a monitor thread: chain with an {@code ...Async} method and the caller's event loop as executor.
     */
    public CompletableFuture<Host> whenPrimary(Duration timeout) {
        synchronized (lock) {
            Optional<Host> primary = current.primary();
            if (primary.isPresent()) {
                return CompletableFuture.completedFuture(primary.get());
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("routing " + name + ": closed"));
            }
            var future = new CompletableFuture<Host>();
            primaryWaiters.add(future);
            future.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .whenComplete((host, error) -> {
                        synchronized (lock) {
                            primaryWaiters.remove(future);
                        }
                    });
            return future;
        }
    }

    /** How many times a host has been fenced since start (the metric). */
    public long fencingEvents() {
        return fencingEvents.get();
    }

    /** The monitor of {@code host}. */
    RoleMonitor monitor(Host host) {
        return Objects.requireNonNull(monitors.get(host), () -> "no monitor for " + host);
    }

    /** Stops every monitor and fails pending {@link #whenPrimary} futures. */
    @Override
    public void close() {
        closed = true;
        monitors.values().forEach(RoleMonitor::close);
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        List<CompletableFuture<Host>> waiters;
        synchronized (lock) {
            waiters = List.copyOf(primaryWaiters);
            primaryWaiters.clear();
        }
        waiters.forEach(w -> w.completeExceptionally(new IllegalStateException("routing " + name + ": closed")));
    }

    /** Recomputes and publishes the snapshot; caller holds the lock. */
    private void publish() {
        var verdict = FencingRules.apply(List.copyOf(observed.values()), book);
        book = verdict.book();
        verdict.newlyFenced().forEach((host, reason) -> {
            fencingEvents.incrementAndGet();
            log.error("routing {}: FENCED {}: {}; no traffic until re-admitted", name, host, reason);
        });
        Topology previous = current;
        Topology next = Topology.of(previous.version() + 1, verdict.statuses(), staleSince != null,
                previous.leaseNanos());
        current = next;
        ChangeRules.between(previous, next, config.maxStandbyLag()).ifPresent(this::announce);
    }

    private void announce(TopologyChange change) {
        for (var rc : change.roleChanges()) {
            HostStatus s = change.current().status(rc.host()).orElseThrow();
            String why = s.role() == HostRole.FENCED ? s.fenceReason() : s.lastError();
            log.info("routing {}: {} {} -> {}{}", name, rc.host(), rc.from(), rc.to(), why == null ? "" : ": " + why);
        }
        if (change.primaryChanged()) {
            if (change.primary().isPresent()) {
                log.warn("routing {}: primary is now {}", name, change.primary().get());
            } else {
                log.warn("routing {}: no primary; writes wait up to {} (failover_wait_timeout)", name,
                        config.failoverWaitTimeout());
            }
        }
        boolean allChecked = change.current().hosts().stream().allMatch(h -> h.checks() > 0);
        if (allChecked && change.current().degraded() && !change.previous().degraded()) {
            log.warn("routing {}: degraded: the primary has no reachable standby", name);
        }
        Optional<Host> primary = change.primary();
        if (primary.isPresent() && !primaryWaiters.isEmpty()) {
            List.copyOf(primaryWaiters).forEach(w -> w.complete(primary.get()));
        }
        for (TopologyListener listener : listeners) {
            try {
                listener.onTopologyChange(change);
            } catch (RuntimeException e) {
                log.error("routing {}: topology listener {} failed", name, listener, e);
            }
        }
    }

    /** Receives the monitors' reports, on their threads. */
    private final class Sink implements RoleMonitor.Sink {
        @Override
        public void onStatus(HostStatus status, long checkStartNanos) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                observed.put(status.host(), status);
                lastCheckStart.put(status.host(), checkStartNanos);
                Long since = staleSince;
                if (since != null && observed.keySet().stream()
                        .allMatch(h -> lastCheckStart.getOrDefault(h, Long.MIN_VALUE) - since >= 0)) {
                    staleSince = null;
                    log.warn("routing {}: topology re-validated after the pause", name);
                }
                publish();
            }
        }

        @Override
        public void onPause(Host host, String reason) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                staleSince = clock.nanoTime();
                log.warn("routing {}: pooler pause detected by the monitor of {} ({}); no writes until every host "
                        + "is checked again", name, host, reason);
                publish();
            }
            recheckAll();
        }
    }

    @Override
    public String toString() {
        return "TopologyMonitor[" + name + " " + current + "]";
    }
}
