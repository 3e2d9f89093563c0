package io.tidepool.pooler.config;

import io.tidepool.pooler.pool.PoolMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@code [users]} entry: per-user overrides of global settings ({@code alice = pool_mode=session pool_size=5}).
 * A null component means "not set here: inherit". PgBouncer treats {@code max_user_connections} and
 * {@code max_user_client_connections} of 0 as "inherit" as well; {@link Config}'s resolution helpers do the same.
 * Immutable.
 *
 * @param name                      the user name, case-sensitive as in PostgreSQL
 * @param queryTimeout              PgBouncer reads the [users] timeouts as whole seconds ({@code atoi})
 */
public record UserSettings(
        String name,
        @Nullable PoolMode poolMode,
        @Nullable Integer poolSize,
        @Nullable Integer reservePoolSize,
        @Nullable Integer maxUserConnections,
        @Nullable Integer maxUserClientConnections,
        @Nullable Duration queryTimeout,
        @Nullable Duration idleTransactionTimeout,
        @Nullable Duration transactionTimeout,
        @Nullable Duration clientIdleTimeout) {

    public UserSettings {
        Objects.requireNonNull(name, "name");
    }

    /** A user with nothing overridden. */
    public static UserSettings inheritAll(String name) {
        return new UserSettings(name, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Parses a [users] value with PgBouncer's connection-string syntax and {@code parse_user}'s keys.
     *
     * @throws ConfigException listing every bad key of this entry
     */
    static UserSettings parse(String name, String connString) {
        PoolMode poolMode = null;
        Integer poolSize = null;
        Integer reservePoolSize = null;
        Integer maxUserConnections = null;
        Integer maxUserClientConnections = null;
        Duration queryTimeout = null;
        Duration idleTransactionTimeout = null;
        Duration transactionTimeout = null;
        Duration clientIdleTimeout = null;
        var problems = new ArrayList<String>();
        for (var pair : ConnString.parse(connString).entrySet()) {
            var key = pair.getKey();
            var value = pair.getValue();
            try {
                switch (key) {
                    case "pool_mode" -> poolMode = Keys.POOL_MODE.parse(value);
                    case "pool_size" -> poolSize = count(key, value, MAX_POOL);
                    case "reserve_pool_size" -> reservePoolSize = count(key, value, MAX_POOL);
                    case "max_user_connections" -> maxUserConnections = count(key, value, MAX_CONNECTIONS);
                    case "max_user_client_connections" -> maxUserClientConnections = count(key, value, MAX_CONNECTIONS);
                    case "query_timeout" -> queryTimeout = seconds(key, value);
                    case "idle_transaction_timeout" -> idleTransactionTimeout = seconds(key, value);
                    case "transaction_timeout" -> transactionTimeout = seconds(key, value);
                    case "client_idle_timeout" -> clientIdleTimeout = seconds(key, value);
                    default -> throw new ConfigException("unrecognized user parameter: " + key);
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new UserSettings(name, poolMode, poolSize, reservePoolSize, maxUserConnections,
                maxUserClientConnections, queryTimeout, idleTransactionTimeout, transactionTimeout, clientIdleTimeout);
    }

    private static final int MAX_POOL = 10_000;
    private static final int MAX_CONNECTIONS = 1_000_000;

    private static int count(String key, String value, int max) {
        return Setting.integer(key, 0, 0, max, true).parse(value);
    }

    /** PgBouncer reads these with {@code atoi}: whole seconds. */
    private static Duration seconds(String key, String value) {
        return Setting.wholeSeconds(key, Duration.ZERO, 0, (int) Setting.MAX_SECONDS, true).parse(value);
    }
}
