package io.tidepool.pooler.app;

import io.tidepool.auth.Credential;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.source.CredentialSource;
import io.tidepool.pooler.config.Config;
import io.tidepool.pooler.config.DatabaseEntry;
import io.tidepool.pooler.config.Keys;
import io.tidepool.pooler.config.Settings;
import io.tidepool.pooler.pool.PoolKey;
import io.tidepool.pooler.pool.PoolManager;
import io.tidepool.pooler.pool.PoolSettings;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.pooler.pool.TargetSelector;
import io.tidepool.pooler.routing.RoutingService;
import io.tidepool.pooler.server.TrackedParameters;
import org.jspecify.annotations.Nullable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one configuration snapshot into what pools run with: a (database, user) becomes a {@link PoolKey}, the
 * {@link PoolSettings} resolved with PgBouncer's precedence (user, then database, then global), and the
 * {@link ServerTarget} to log in to.
 */
final class ConfigResolver implements PoolManager.Resolver {
    /** Where a database entry without {@code host} connects: Debian's socket directory, else /tmp (PgBouncer). */
    private static final String DEFAULT_SOCKET_DIR =
            Files.isDirectory(Path.of("/var/run/postgresql")) ? "/var/run/postgresql" : "/tmp";

    private final Config config;
    private final CredentialSource credentials;
    private final RoutingService routing;

    ConfigResolver(Config config, CredentialSource credentials, RoutingService routing) {
        this.routing = routing;
        this.config = config;
        this.credentials = credentials;
    }

    @Override
    public PoolManager.@Nullable Resolved resolve(String database, String user, boolean readOnly) {
        DatabaseEntry entry = config.database(database).orElse(null);
        if (entry == null) {
            return null;
        }
        String serverUser = entry.user() != null ? entry.user() : user;
        Credential credential = entry.password() != null ? new PlainPassword(entry.password())
                : credentials.find(serverUser).orElse(null);
        Map<String, String> startup = new LinkedHashMap<>();
        putIfSet(startup, "client_encoding", entry.clientEncoding());
        putIfSet(startup, "datestyle", entry.datestyle());
        putIfSet(startup, "timezone", entry.timezone());
        putIfSet(startup, "application_name", entry.applicationName());
        TargetSelector targets;
        if (entry.isRouted()) {
            targets = routing.selectorFor(entry, readOnly, host -> new ServerTarget(host.name(), host.port(),
                    entry.dbname(), serverUser, credential, startup));
        } else {
            String host = entry.hosts().isEmpty() ? DEFAULT_SOCKET_DIR : entry.hosts().getFirst();
            targets = TargetSelector.fixed(new ServerTarget(host, entry.port(), entry.dbname(), serverUser, credential,
                    startup));
        }
        return new PoolManager.Resolved(new PoolKey(entry.name(), serverUser, readOnly && entry.isRouted()),
                settings(entry, serverUser), targets);
    }

    private PoolSettings settings(DatabaseEntry entry, String user) {
        Settings s = config.settings();
        var userSettings = config.users().get(user);
        return new PoolSettings(
                config.poolModeFor(entry, user),
                config.poolSizeFor(entry, user),
                config.minPoolSizeFor(entry),
                config.reservePoolSizeFor(entry, user),
                s.get(Keys.RESERVE_POOL_TIMEOUT),
                config.maxDbConnectionsFor(entry),
                config.maxUserConnectionsFor(user),
                s.get(Keys.SERVER_RESET_QUERY),
                s.get(Keys.SERVER_RESET_QUERY_ALWAYS),
                checkQuery(s.get(Keys.SERVER_CHECK_QUERY)),
                s.get(Keys.SERVER_CHECK_DELAY),
                config.serverLifetimeFor(entry),
                s.get(Keys.SERVER_IDLE_TIMEOUT),
                s.get(Keys.SERVER_CONNECT_TIMEOUT),
                s.get(Keys.SERVER_LOGIN_RETRY),
                userSettings != null && userSettings.queryTimeout() != null ? userSettings.queryTimeout()
                        : s.get(Keys.QUERY_TIMEOUT),
                s.get(Keys.QUERY_WAIT_TIMEOUT),
                userSettings != null && userSettings.clientIdleTimeout() != null ? userSettings.clientIdleTimeout()
                        : s.get(Keys.CLIENT_IDLE_TIMEOUT),
                userSettings != null && userSettings.idleTransactionTimeout() != null
                        ? userSettings.idleTransactionTimeout() : s.get(Keys.IDLE_TRANSACTION_TIMEOUT),
                s.get(Keys.CANCEL_WAIT_TIMEOUT),
                entry.connectQuery() == null ? "" : entry.connectQuery(),
                s.get(Keys.MAX_PREPARED_STATEMENTS),
                s.get(Keys.SESSION_STATE_POLICY) == io.tidepool.pooler.config.SessionStatePolicy.REFUSE,
                TrackedParameters.of(s.get(Keys.TRACK_EXTRA_PARAMETERS)));
    }

    /**
     * PgBouncer's {@code <empty>} is a marker for "send an empty query", not SQL: sent verbatim it is a syntax error
     * that failed every checked link (and every login needing a parameter sync on a server idle longer than
     * server_check_delay). The pools run an empty query string for it.
     */
    private static @Nullable String checkQuery(String configured) {
        return configured.isEmpty() ? null : configured.equals("<empty>") ? "" : configured;
    }

    private static void putIfSet(Map<String, String> map, String key, @Nullable String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

}
