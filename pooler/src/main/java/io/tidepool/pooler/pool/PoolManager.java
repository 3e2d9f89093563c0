package io.tidepool.pooler.pool;

import io.tidepool.pooler.server.ServerConnector;
import org.jspecify.annotations.Nullable;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All pool groups, created on first use from the current configuration (through a {@link Resolver}), and re-resolved
 * on reload. Thread-safe; the map is the only structure shared by every loop, and it is touched at login, not per
 * message.
 */
public final class PoolManager {
    /** Maps a client's (database, user) to the pool it uses: the configuration's view, swapped on reload. */
    @FunctionalInterface
    public interface Resolver {
        /** Null when the database is unknown (and there is no {@code *} entry). */
        @Nullable Resolved resolve(String database, String user, boolean readOnly);
    }

    /** What a (database, user) resolves to. */
    public record Resolved(PoolKey key, PoolSettings settings, TargetSelector targets) {
    }

    private final ConcurrentHashMap<PoolKey, PoolGroup> groups = new ConcurrentHashMap<>();
    // Admin console hooks (issue 7): PAUSE/DISABLE switches per database and the metrics registry.
    private final DatabaseState everyDatabase = new DatabaseState();
    private final ConcurrentHashMap<String, DatabaseState> databaseStates = new ConcurrentHashMap<>();
    private final io.tidepool.pooler.metrics.PoolerMetrics metrics;
    private final GlobalLimits limits;
    private final ServerConnector connector;
    private volatile Resolver resolver;

    public PoolManager(Resolver resolver, GlobalLimits limits, ServerConnector connector) {
        this(resolver, limits, connector, new io.tidepool.pooler.metrics.PoolerMetrics());
    }

    public PoolManager(Resolver resolver, GlobalLimits limits, ServerConnector connector,
                       io.tidepool.pooler.metrics.PoolerMetrics metrics) {
        this.resolver = resolver;
        this.limits = limits;
        this.connector = connector;
        this.metrics = metrics;
    }

    /** The group serving {@code user} on {@code database}, or null when the database is not configured. */
    public @Nullable PoolGroup groupFor(String database, String user, boolean readOnly) {
        Resolved resolved = resolver.resolve(database, user, readOnly);
        if (resolved == null) {
            return null;
        }
        return groups.computeIfAbsent(resolved.key(),
                key -> new PoolGroup(key, limits, connector, resolved.settings(), resolved.targets(),
                        state(key.database()), metrics));
    }

    /** The PAUSE/DISABLE switches of a database name (created on first use, kept for the process's life). */
    public DatabaseState state(String database) {
        return databaseStates.computeIfAbsent(database, d -> new DatabaseState(d, everyDatabase));
    }

    /** The pooler-wide switches (PAUSE and KILL without a database). */
    public DatabaseState everyDatabase() {
        return everyDatabase;
    }

    public io.tidepool.pooler.metrics.PoolerMetrics metrics() {
        return metrics;
    }


    /** A reload: new settings for every existing group whose database still exists. */
    public void reconfigure(Resolver newResolver) {
        resolver = newResolver;
        for (PoolGroup group : groups.values()) {
            Resolved resolved = newResolver.resolve(group.key().database(), group.key().user(),
                    group.key().readOnly());
            if (resolved != null) {
                group.update(resolved.settings(), resolved.targets());
            }
        }
    }

    public Collection<PoolGroup> groups() {
        return groups.values();
    }

    public GlobalLimits limits() {
        return limits;
    }
}
