package io.tidepool.pooler.config;

import io.tidepool.pooler.pool.PoolMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One immutable configuration snapshot: the {@code [pgbouncer]} settings, the {@code [databases]} and {@code [users]}
 * entries (in file order), and Tidepool's own sections kept raw for the modules that own them. Made by {@link
 * ConfigLoader}; swapped atomically on RELOAD; shared by all threads. The resolution helpers apply PgBouncer's
 * precedence rules ({@code src/server.c}: {@code pool_pool_size}, {@code pool_pool_mode}, ...).
 *
 * @param extraSections sections other than pgbouncer/databases/users, in file order, each with its keys (lower case)
 *                      in file order: {@code routing}, {@code vrrp}, {@code vrrp_script NAME}, {@code metrics},
 *                      {@code peers}
 * @param source        the file it was read from (for {@code %include}s, the top-level file)
 * @param warnings      problems that do not prevent loading (unknown keys, ...), each with {@code file:line}; the
 *                      caller logs them
 */
public record Config(
        Settings settings,
        Map<String, DatabaseEntry> databases,
        Map<String, UserSettings> users,
        Map<String, Map<String, String>> extraSections,
        Path source,
        List<String> warnings) {

    public Config {
        Objects.requireNonNull(settings, "settings");
        databases = Collections.unmodifiableMap(new LinkedHashMap<>(databases));
        users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
        var sections = new LinkedHashMap<String, Map<String, String>>();
        extraSections.forEach((k, v) -> sections.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        extraSections = Collections.unmodifiableMap(sections);
        Objects.requireNonNull(source, "source");
        warnings = List.copyOf(warnings);
    }

    /** The entry clients reach by this database name; falls back to the {@code *} entry with dbname = that name. */
    public Optional<DatabaseEntry> database(String name) {
        var entry = databases.get(name);
        if (entry != null) {
            return Optional.of(entry);
        }
        var autodb = databases.get(DatabaseEntry.AUTODB);
        if (autodb == null || name.equals(DatabaseEntry.ADMIN_DATABASE)) {
            return Optional.empty();
        }
        return Optional.of(autodb.instantiate(name));
    }

    /** A raw Tidepool section ({@code routing}, {@code vrrp}, ...), empty if absent. */
    public Map<String, String> section(String name) {
        return extraSections.getOrDefault(name, Map.of());
    }

    /**
     * The pool mode for a (database, user) pool: the user's {@code [users]} pool_mode, else the database's, else the
     * global {@code pool_mode} (PgBouncer's {@code pool_pool_mode}). {@code user} is the server-side user (the
     * database's forced user if it has one).
     */
    public PoolMode poolModeFor(DatabaseEntry db, String user) {
        var u = users.get(user);
        if (u != null && u.poolMode() != null) {
            return u.poolMode();
        }
        return db.poolMode() != null ? db.poolMode() : settings.get(Keys.POOL_MODE);
    }

    /** Pool size: the user's pool_size, else the database's, else default_pool_size ({@code pool_pool_size}). */
    public int poolSizeFor(DatabaseEntry db, String user) {
        var u = users.get(user);
        if (u != null && u.poolSize() != null) {
            return u.poolSize();
        }
        return db.poolSize() != null ? db.poolSize() : settings.get(Keys.DEFAULT_POOL_SIZE);
    }

    /** Reserve pool size, same precedence as {@link #poolSizeFor} (PgBouncer's {@code pool_res_pool_size}). */
    public int reservePoolSizeFor(DatabaseEntry db, String user) {
        var u = users.get(user);
        if (u != null && u.reservePoolSize() != null) {
            return u.reservePoolSize();
        }
        return db.reservePool() != null ? db.reservePool() : settings.get(Keys.RESERVE_POOL_SIZE);
    }

    /** The database's min_pool_size, else the global one. */
    public int minPoolSizeFor(DatabaseEntry db) {
        return db.minPoolSize() != null ? db.minPoolSize() : settings.get(Keys.MIN_POOL_SIZE);
    }

    /** Server connections allowed to this database; 0 = unlimited. A database value of 0 inherits, as PgBouncer. */
    public int maxDbConnectionsFor(DatabaseEntry db) {
        var v = db.maxDbConnections();
        return v != null && v > 0 ? v : settings.get(Keys.MAX_DB_CONNECTIONS);
    }

    /** Client connections allowed to this database; 0 = unlimited; a database value of 0 inherits. */
    public int maxDbClientConnectionsFor(DatabaseEntry db) {
        var v = db.maxDbClientConnections();
        return v != null && v > 0 ? v : settings.get(Keys.MAX_DB_CLIENT_CONNECTIONS);
    }

    /** Server connections allowed for this user; 0 = unlimited; a [users] value of 0 inherits. */
    public int maxUserConnectionsFor(String user) {
        var u = users.get(user);
        return u != null && u.maxUserConnections() != null && u.maxUserConnections() > 0
                ? u.maxUserConnections() : settings.get(Keys.MAX_USER_CONNECTIONS);
    }

    /** Client connections allowed for this user; 0 = unlimited; a [users] value of 0 inherits. */
    public int maxUserClientConnectionsFor(String user) {
        var u = users.get(user);
        return u != null && u.maxUserClientConnections() != null && u.maxUserClientConnections() > 0
                ? u.maxUserClientConnections() : settings.get(Keys.MAX_USER_CLIENT_CONNECTIONS);
    }

    /** The database's server_lifetime, else the global one (a database value of 0 inherits). */
    public Duration serverLifetimeFor(DatabaseEntry db) {
        var v = db.serverLifetime();
        return v != null && !v.isZero() ? v : settings.get(Keys.SERVER_LIFETIME);
    }
}
