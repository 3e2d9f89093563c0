package io.tidepool.pooler.config;

import io.tidepool.pooler.pool.PoolMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@code [databases]} entry: the client-side database name and where and how its server connections are made
 * ({@code mydb = host=pg1,pg2 port=5432 dbname=real user=app password='x' pool_size=10}). Null components are "not
 * set here" and resolve to the global value ({@link Config}'s helpers apply PgBouncer's rules). The {@code *} entry
 * (autodb fallback) is kept under the name {@code "*"}; {@link Config#database} instantiates it per name. Immutable.
 *
 * @param hosts          PgBouncer's comma-separated {@code host}; an entry starting with {@code /} is a Unix-socket
 *                       directory, with {@code @} an abstract-namespace socket; empty = PgBouncer's default Unix socket
 * @param dbname         server-side database name; defaults to {@link #name}
 * @param user           forced user: every client of this database logs in to the server as this user (one pool)
 * @param password       the forced user's password; secret, never printed by {@link #toString}
 * @param serverLifetime PgBouncer reads it as whole seconds; null (or 0 in the file) = global {@code server_lifetime}
 */
public record DatabaseEntry(
        String name,
        List<String> hosts,
        int port,
        String dbname,
        @Nullable String user,
        @Nullable String password,
        @Nullable String authUser,
        @Nullable Integer poolSize,
        @Nullable Integer minPoolSize,
        @Nullable Integer reservePool,
        @Nullable Integer maxDbConnections,
        @Nullable Integer maxDbClientConnections,
        @Nullable PoolMode poolMode,
        @Nullable String connectQuery,
        @Nullable String clientEncoding,
        @Nullable String datestyle,
        @Nullable String timezone,
        @Nullable String applicationName,
        @Nullable String authDbname,
        @Nullable String authQuery,
        @Nullable Duration serverLifetime,
        LoadBalanceHosts loadBalanceHosts,
        List<Integer> ports,
        @Nullable String targetSessionAttrs) {

    /** The autodb fallback entry's name. */
    public static final String AUTODB = "*";
    /** The admin console's database; PgBouncer refuses it as a [databases] key. */
    public static final String ADMIN_DATABASE = "pgbouncer";
    private static final int MAX_POOL = 10_000;
    private static final int MAX_CONNECTIONS = 1_000_000;

    public DatabaseEntry {
        Objects.requireNonNull(name, "name");
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(dbname, "dbname");
        Objects.requireNonNull(loadBalanceHosts, "loadBalanceHosts");
        ports = List.copyOf(ports);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /** Whether a host denotes a Unix socket (file-system directory or abstract namespace) rather than TCP. */
    public static boolean isUnixSocket(String host) {
        return host.startsWith("/") || host.startsWith("@");
    }

    /** This entry for another client-side name; for the {@code *} entry, dbname follows unless set explicitly. */
    DatabaseEntry instantiate(String requested) {
        var db = name.equals(AUTODB) && dbname.equals(AUTODB) ? requested : dbname;
        return new DatabaseEntry(requested, hosts, port, db, user, password, authUser, poolSize, minPoolSize,
                reservePool, maxDbConnections, maxDbClientConnections, poolMode, connectQuery, clientEncoding,
                datestyle, timezone, applicationName, authDbname, authQuery, serverLifetime, loadBalanceHosts, ports,
                targetSessionAttrs);
    }

    /** The port of the {@code i}-th host: the matching entry of a port list, else the single port. */
    public int portOf(int i) {
        return ports.size() > 1 ? ports.get(i) : port;
    }

    /**
     * Whether Tidepool routes this entry by role (Tidepool's addition, issue 5): several hosts, or an explicit
     * target_session_attrs.
     */
    public boolean isRouted() {
        return hosts.size() > 1 || targetSessionAttrs != null;
    }

    /**
     * Parses a [databases] value with PgBouncer's connection-string syntax and keys ({@code reserve_pool} is the
     * pre-1.24 alias of {@code reserve_pool_size}).
     *
     * @throws ConfigException listing every bad key of this entry
     */
    static DatabaseEntry parse(String name, String connString) {
        if (name.equals(ADMIN_DATABASE)) {
            throw new ConfigException("database name \"" + name + "\" is reserved for the admin console");
        }
        var b = new Builder(name);
        var problems = new ArrayList<String>();
        for (var pair : ConnString.parse(connString).entrySet()) {
            try {
                b.set(pair.getKey(), pair.getValue());
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "DatabaseEntry[name=" + name + ", hosts=" + hosts + ", port=" + port + ", dbname=" + dbname
                + ", user=" + user + ", password=" + (password == null ? "null" : "(hidden)") + ", poolSize="
                + poolSize + ", poolMode=" + poolMode + "]";
    }

    /** Mutable accumulator for one entry's pairs; used only inside {@link #parse}. */
    private static final class Builder {
        private final String name;
        private List<String> hosts = List.of();
        private int port = 5432;
        private String dbname;
        private @Nullable String user;
        private @Nullable String password;
        private @Nullable String authUser;
        private @Nullable Integer poolSize;
        private @Nullable Integer minPoolSize;
        private @Nullable Integer reservePool;
        private @Nullable Integer maxDbConnections;
        private @Nullable Integer maxDbClientConnections;
        private @Nullable PoolMode poolMode;
        private @Nullable String connectQuery;
        private @Nullable String clientEncoding;
        private @Nullable String datestyle;
        private @Nullable String timezone;
        private @Nullable String applicationName;
        private @Nullable String authDbname;
        private @Nullable String authQuery;
        private @Nullable Duration serverLifetime;
        private LoadBalanceHosts loadBalanceHosts = LoadBalanceHosts.ROUND_ROBIN;
        private List<Integer> ports = List.of();
        private @Nullable String targetSessionAttrs;

        Builder(String name) {
            this.name = name;
            this.dbname = name;
        }

        void set(String key, String value) {
            switch (key) {
                case "dbname" -> {
                    if (name.equals(AUTODB) && value.equals(AUTODB)) {
                        throw new ConfigException("dbname: \"*\" (expected: a database name)");
                    }
                    dbname = value;
                }
                case "host" -> hosts = hosts(value);
                case "port" -> {
                    // PgBouncer 1.21+: one port, or one per host.
                    var list = new ArrayList<Integer>();
                    for (var part : value.split(",", -1)) {
                        list.add(Setting.integer("port", 5432, 1, 65535, true).parse(part.strip()));
                    }
                    port = list.getFirst();
                    ports = list.size() > 1 ? list : List.of();
                }
                case "target_session_attrs" -> targetSessionAttrs = switch (value) {
                    case "read-write", "read-only", "primary", "standby", "prefer-standby", "any" -> value;
                    default -> throw new ConfigException("target_session_attrs: \"" + value
                            + "\" (expected: read-write, read-only, primary, standby, prefer-standby or any)");
                };
                case "user" -> user = value;
                case "password" -> password = value;
                case "auth_user" -> authUser = value;
                case "auth_dbname" -> authDbname = value;
                case "auth_query" -> authQuery = value;
                case "client_encoding" -> clientEncoding = value;
                case "datestyle" -> datestyle = value;
                case "timezone" -> timezone = value;
                case "application_name" -> applicationName = value;
                case "connect_query" -> connectQuery = value;
                case "pool_size" -> poolSize = count(key, value, MAX_POOL);
                case "min_pool_size" -> minPoolSize = count(key, value, MAX_POOL);
                case "reserve_pool", "reserve_pool_size" -> reservePool = count(key, value, MAX_POOL);
                case "max_db_connections" -> maxDbConnections = count(key, value, MAX_CONNECTIONS);
                case "max_db_client_connections" -> maxDbClientConnections = count(key, value, MAX_CONNECTIONS);
                case "server_lifetime" -> serverLifetime = Setting.wholeSeconds(key, Duration.ZERO, 0,
                        (int) Setting.MAX_SECONDS, true).parse(value);
                case "pool_mode" -> poolMode = Keys.POOL_MODE.parse(value);
                case "load_balance_hosts" -> loadBalanceHosts = LoadBalanceHosts.parse(value);
                default -> throw new ConfigException("unrecognized connection parameter: " + key);
            }
        }

        private static int count(String key, String value, int max) {
            return Setting.integer(key, 0, 0, max, true).parse(value);
        }

        private static List<String> hosts(String value) {
            var list = new ArrayList<String>();
            for (var host : value.split(",", -1)) {
                var h = host.strip();
                if (h.isEmpty()) {
                    throw new ConfigException("host: \"" + value
                            + "\" (expected: comma-separated host names, addresses or socket directories)");
                }
                list.add(h);
            }
            return list;
        }

        DatabaseEntry build() {
            if (ports.size() > 1 && ports.size() != hosts.size()) {
                throw new ConfigException("port: " + ports.size() + " ports for " + hosts.size()
                        + " hosts (expected: one port, or one per host)");
            }
            return new DatabaseEntry(name, hosts, port, dbname, user, password, authUser, poolSize, minPoolSize,
                    reservePool, maxDbConnections, maxDbClientConnections, poolMode, connectQuery, clientEncoding,
                    datestyle, timezone, applicationName, authDbname, authQuery, serverLifetime, loadBalanceHosts,
                    ports, targetSessionAttrs);
        }
    }
}
