package io.tidepool.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Turns a {@link Topology} into the host a new server connection should go to. Writes go to {@link
 * Topology#primary()} and nowhere else (promise P1: when there is none, the answer is empty and the caller waits or
 * fails closed; it never guesses). Reads go to the standbys within the lag limit, ordered by the {@link
 * StandbyBalance}; the primary comes after them when the target allows it ({@code prefer-standby}, {@code any}, or
 * {@code read_fallback_to_primary}).
 *
 * <p>{@link #candidates} returns an ordered list rather than one host so that a caller whose connection attempt fails
 * can try the next one (and should call {@code TopologyMonitor.recheckNow(host)} for the one that failed). One
 * instance per database entry or per pooler; thread-safe (the round-robin position is an atomic counter), called
 * from any event loop.
 */
public final class RoutingPolicy {
    private static final Comparator<HostStatus> BY_LAG =
            Comparator.comparingLong(HostStatus::lagBytes).thenComparing(HostStatus::replayDelay);

    private final StandbyBalance balance;
    private final LagLimit maxLag;
    private final boolean readFallbackToPrimary;
    private final RandomGenerator random;
    private final AtomicLong next = new AtomicLong();

    /** A policy with an explicit random source (tests pass a seeded one for {@link StandbyBalance#RANDOM}). */
    public RoutingPolicy(StandbyBalance balance, LagLimit maxLag, boolean readFallbackToPrimary,
            RandomGenerator random) {
        this.balance = Objects.requireNonNull(balance, "balance");
        this.maxLag = Objects.requireNonNull(maxLag, "maxLag");
        this.readFallbackToPrimary = readFallbackToPrimary;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The policy a {@code [routing]} section describes. */
    public static RoutingPolicy of(RoutingConfig config) {
        return new RoutingPolicy(config.standbyBalance(), config.maxStandbyLag(), config.readFallbackToPrimary(),
                ThreadLocalRandom.current());
    }

    /** The lag limit above which a standby gets no reads. */
    public LagLimit maxLag() {
        return maxLag;
    }

    /** The write host: the verified primary, or empty (wait or refuse). */
    public Optional<Host> writeHost(Topology topology) {
        return topology.primary();
    }

    /** The host for the next read-only server connection ({@code read-only} target), or empty if none qualifies. */
    public Optional<Host> readHost(Topology topology) {
        return pick(topology, TargetSessionAttrs.READ_ONLY);
    }

    /** The first of {@link #candidates}. */
    public Optional<Host> pick(Topology topology, TargetSessionAttrs target) {
        List<Host> hosts = candidates(topology, target);
        return hosts.isEmpty() ? Optional.empty() : Optional.of(hosts.getFirst());
    }

    /**
     * The hosts {@code target} may use now, best first. Each call advances the round-robin position once, so
     * successive callers start at successive standbys.
     */
    public List<Host> candidates(Topology topology, TargetSessionAttrs target) {
        Optional<Host> primary = topology.primary();
        return switch (target) {
            case READ_WRITE, PRIMARY -> primary.stream().toList();
            case READ_ONLY, STANDBY -> withPrimaryIf(ordered(topology.standbys(maxLag)), primary,
                    readFallbackToPrimary);
            case PREFER_STANDBY -> withPrimaryIf(ordered(topology.standbys(maxLag)), primary, true);
            case ANY -> {
                var all = new ArrayList<HostStatus>(topology.standbys(maxLag));
                topology.primaryStatus().ifPresent(all::add);
                yield ordered(all);
            }
        };
    }

    private List<Host> ordered(List<HostStatus> standbys) {
        if (standbys.isEmpty()) {
            return List.of();
        }
        var order = new ArrayList<HostStatus>(standbys);
        switch (balance) {
            case ROUND_ROBIN -> Collections.rotate(order, -Math.floorMod(next.getAndIncrement(), order.size()));
            case LEAST_LAG -> order.sort(BY_LAG);
            case RANDOM -> Collections.shuffle(order, random);
        }
        return order.stream().map(HostStatus::host).toList();
    }

    private static List<Host> withPrimaryIf(List<Host> standbys, Optional<Host> primary, boolean allowed) {
        if (!allowed || primary.isEmpty()) {
            return standbys;
        }
        var hosts = new ArrayList<Host>(standbys);
        hosts.add(primary.get());
        return List.copyOf(hosts);
    }

    @Override
    public String toString() {
        return "RoutingPolicy[" + balance.configName() + ", maxLag=" + maxLag + ", readFallbackToPrimary="
                + readFallbackToPrimary + "]";
    }
}
