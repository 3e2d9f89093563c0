package io.tidepool.pooler.pool;

import io.netty.channel.EventLoop;
import io.tidepool.pooler.server.ServerConnector;
import org.jspecify.annotations.Nullable;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All pools of one {@link PoolKey}, one per event loop, and what they share: the number of server connections against
 * pool_size (+ reserve_pool_size), and the knowledge of which loops have clients waiting.
 *
 * <p>Clients and their server connections stay on one loop (DESIGN), so a slot moves between loops by closing a server
 * on one and opening one on the other: a connection costs one login, a cross-loop link would cost a thread hop on
 * every message. A loop gives a freed server up when it holds over one server more than its share (pool_size in
 * proportion to its clients) while another loop's clients wait ({@link #holdsMoreThanItsShare}), or when the server
 * has been idle 100 ms, its own clients do not wait, and another loop's do ({@code Pool.donateIdle}).
 *
 * <p>Thread-safe: the counters are atomic, and every per-pool effect is handed to the pool's loop with
 * {@code execute}.
 */
public final class PoolGroup {
    private final PoolKey key;
    private final GlobalLimits limits;
    private final ServerConnector connector;
    private final AtomicInteger servers = new AtomicInteger();
    private final ConcurrentHashMap<EventLoop, Pool> pools = new ConcurrentHashMap<>();
    /** {@link #pools}' values as an array, replaced when a pool is created: walked per transaction, no iterator. */
    private volatile Pool[] poolArray = new Pool[0];
    private volatile PoolSettings settings;
    private volatile TargetSelector targets;
    private volatile @Nullable Pool home;
    private final io.tidepool.pooler.link.KnownStatements knownStatements = new io.tidepool.pooler.link.KnownStatements();

    private final DatabaseState state;
    private final io.tidepool.pooler.metrics.PoolStats.@Nullable GroupTimers timers;
    private final io.tidepool.pooler.metrics.@Nullable PoolerMetrics metrics;

    public PoolGroup(PoolKey key, GlobalLimits limits, ServerConnector connector, PoolSettings settings,
                     TargetSelector targets) {
        this(key, limits, connector, settings, targets, new DatabaseState(key.database(), new DatabaseState()), null);
    }

    public PoolGroup(PoolKey key, GlobalLimits limits, ServerConnector connector, PoolSettings settings,
                     TargetSelector targets, DatabaseState state,
                     io.tidepool.pooler.metrics.@Nullable PoolerMetrics metrics) {
        this.state = state;
        this.metrics = metrics;
        this.timers = metrics == null ? null : metrics.timersFor(key.database(), key.user());
        this.key = key;
        this.connector = connector;
        this.limits = limits;
        this.settings = settings;
        this.targets = targets;
    }

    public PoolKey key() {
        return key;
    }

    /** The admin switches of this group's database (PAUSE, DISABLE). */
    public DatabaseState state() {
        return state;
    }

    /** Whether new transactions must wait: PAUSE (or KILL) without RESUME yet. */
    public boolean isPaused() {
        return state.isPaused();
    }

    io.tidepool.pooler.metrics.PoolStats.@Nullable GroupTimers timers() {
        return timers;
    }

    /** A server error was relayed to a client: counted by SQLSTATE class (errors are rare; this may allocate). */
    public void errorRelayed(String sqlState) {
        if (metrics != null) {
            metrics.error(sqlState);
        }
    }

    /**
     * RESUME: each loop's pool serves its waiting clients again. Also used after any admin change that may let
     * waiters proceed.
     */
    public void wakeUp() {
        pools.values().forEach(pool -> pool.loop().execute(pool::openForWaiters));
    }

    private final java.util.concurrent.atomic.AtomicLong sessionStateUses = new java.util.concurrent.atomic.AtomicLong();

    /** A client used session state that cannot follow it across server connections (transaction/statement mode). */
    public void countSessionStateUse() {
        sessionStateUses.incrementAndGet();
    }

    /** For metrics and SHOW: how often clients of this group used session state in transaction/statement mode. */
    public long sessionStateUses() {
        return sessionStateUses.get();
    }

    /** Statements some server of this group has accepted. */
    public io.tidepool.pooler.link.KnownStatements knownStatements() {
        return knownStatements;
    }

    public ServerConnector connector() {
        return connector;
    }

    public PoolSettings settings() {
        return settings;
    }

    /** Where new server connections of this group go. */
    public TargetSelector targets() {
        return targets;
    }

    /** Applies a reloaded configuration; pools read the new values from their next decision on. */
    public void update(PoolSettings newSettings, TargetSelector newTargets) {
        settings = newSettings;
        targets = newTargets;
        pools.values().forEach(pool -> pool.loop().execute(pool::settingsChanged));
    }

    /** This loop's pool, created on first use. Call on {@code loop}. */
    public Pool poolFor(EventLoop loop) {
        Pool existing = pools.get(loop);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            Pool pool = pools.computeIfAbsent(loop, l -> new Pool(this, l));
            poolArray = pools.values().toArray(new Pool[0]);
            return pool;
        }
    }

    /** A ClientKey recovered from a client's SCRAM proof and the verifier it matches (PgBouncer's scram_ClientKey). */
    public record ScramPassThrough(byte[] clientKey, io.tidepool.auth.ScramSecret secret) {
    }

    private volatile @Nullable ScramPassThrough scramPassThrough;

    /**
     * A client of this group authenticated with SCRAM against a stored verifier: server logins may now prove the same
     * identity with its ClientKey, so no plaintext password is needed anywhere.
     */
    public void rememberScramKey(byte[] clientKey, io.tidepool.auth.ScramSecret secret) {
        scramPassThrough = new ScramPassThrough(clientKey.clone(), secret);
    }

    public @Nullable ScramPassThrough scramPassThrough() {
        return scramPassThrough;
    }

    /** This loop's pool if one exists. */
    public @Nullable Pool existingPool(EventLoop loop) {
        return pools.get(loop);
    }

    /** The pool that keeps min_pool_size: the first one created. */
    boolean isHome(Pool pool) {
        Pool home = this.home;
        if (home == null) {
            synchronized (this) {
                if (this.home == null) {
                    this.home = pool;
                }
                home = this.home;
            }
        }
        return home == pool;
    }

    public Iterable<Pool> pools() {
        return pools.values();
    }

    /**
     * Reserves a server slot: below pool_size, or below pool_size + reserve_pool_size when {@code useReserve}, and
     * within max_db_connections / max_user_connections.
     */
    boolean tryReserve(boolean useReserve) {
        PoolSettings s = settings;
        int max = s.effectivePoolSize();
        if (useReserve && max != Integer.MAX_VALUE) {
            max += Math.max(0, s.reservePoolSize());
        }
        if (!GlobalLimits.tryIncrement(servers, max)) {
            return false;
        }
        if (!limits.tryReserveServer(key, s.maxDbConnections(), s.maxUserConnections())) {
            servers.decrementAndGet();
            return false;
        }
        return true;
    }

    /** A server of this group closed: its slot goes to whichever loop has clients waiting. */
    void release(Pool from) {
        servers.decrementAndGet();
        limits.releaseServer(key);
        for (Pool pool : poolArray) {
            if (pool != from && pool.waitingCount() > 0) {
                pool.loop().execute(pool::openForWaiters);
            }
        }
    }

    /**
     * {@code requester} is at the limit with clients waiting: loops holding idle servers are asked to give one up
     * (each does once it has been idle long enough and its own clients do not wait).
     */
    void reclaimIdle(Pool requester) {
        for (Pool pool : poolArray) {
            if (pool != requester && pool.idleCount() > 0) {
                pool.requestDonation();
            }
        }
    }

    /**
     * The routing topology changed: idle servers whose target is no longer valid close now, linked ones when their
     * client lets go; waiting clients get servers if a target appeared.
     */
    public void topologyChanged() {
        pools.values().forEach(pool -> pool.loop().execute(pool::revalidateTargets));
    }

    /**
     * Whether {@code self} should give a freed server up rather than use it for its own waiting clients: another
     * loop's clients wait, and {@code self} holds more than one server more, relative to its share, than that loop.
     * A loop's share is pool_size in proportion to its connected clients (exact, not rounded). The margin of one keeps
     * loops with as many clients as each other from trading a server back and forth: every trade costs a backend
     * fork and login.
     */
    boolean holdsMoreThanItsShare(Pool self) {
        int size = settings.effectivePoolSize();
        Pool[] all = poolArray;
        if (size == Integer.MAX_VALUE || all.length < 2) {
            return false;
        }
        long totalClients = 0;
        for (Pool pool : all) {
            totalClients += pool.clientCount();
        }
        if (totalClients == 0) {
            return false;
        }
        // surplus x totalClients = servers x totalClients - size x clients (integers: no rounding either way)
        long selfSurplus = self.serverCount() * totalClients - (long) size * self.clientCount();
        for (Pool pool : all) {
            if (pool != self && pool.waitingCount() > 0) {
                long surplus = pool.serverCount() * totalClients - (long) size * pool.clientCount();
                if (selfSurplus - surplus > totalClients) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a loop other than {@code self}'s has clients waiting for this key. */
    boolean othersWaiting(Pool self) {
        for (Pool pool : poolArray) {
            if (pool != self && pool.waitingCount() > 0) {
                return true;
            }
        }
        return false;
    }

    public int serverCount() {
        return servers.get();
    }
}
