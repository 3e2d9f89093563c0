package io.tidepool.perf;

import io.tidepool.testkit.PostgresNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings both poolers get, so that PgBouncer and Tidepool are compared like for like: the same pool mode, pool
 * size, client limit and authentication ({@code auth_type = trust} with the same auth_file user), one database
 * entry for the benchmark and one {@code probe} entry with {@code pool_size = 1} that {@link MultiplexProbe} uses.
 * {@code server_idle_timeout} is short so that a pooler's idle server connections from one cell do not keep
 * PostgreSQL's {@code max_connections} from the next cell. Immutable.
 *
 * @param poolMode      {@code session}, {@code transaction} or {@code statement}
 * @param poolSize      {@code default_pool_size}
 * @param maxClientConn {@code max_client_conn}
 * @param backend       the PostgreSQL both poolers connect to
 * @param database      the benchmark database, served under its own name
 */
record PoolerSetup(String poolMode, int poolSize, int maxClientConn, PostgresNode backend, String database) {

    /** The name of the single-connection database entry for {@link MultiplexProbe}. */
    static final String PROBE_DATABASE = "probe";

    /** The {@code [databases]} section, name to connection string. */
    Map<String, String> databases() {
        String server = "host=" + backend.host() + " port=" + backend.port() + " dbname=" + database;
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(database, server);
        entries.put(PROBE_DATABASE, server + " pool_size=1");
        return entries;
    }

    /** The {@code [pgbouncer]} settings both poolers share (listen address, port and files are per pooler). */
    Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("auth_type", "trust");
        settings.put("pool_mode", poolMode);
        settings.put("default_pool_size", Integer.toString(poolSize));
        settings.put("max_client_conn", Integer.toString(maxClientConn));
        settings.put("server_idle_timeout", "2");
        settings.put("admin_users", PostgresNode.SUPERUSER);
        // pgjdbc (the probe) sends extra_float_digits in its StartupMessage.
        settings.put("ignore_startup_parameters", "extra_float_digits");
        return settings;
    }
}
