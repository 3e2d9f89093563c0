package io.tidepool.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where and as whom a client connects: host, port, user, database and extra libpq environment ({@code PGPASSWORD},
 * {@code PGSSLMODE}, {@code PGAPPNAME}...). The same target serves {@link Psql}, {@link Pgbench} and JDBC, so a test
 * can point all three at PostgreSQL, PgBouncer or Tidepool alike. Immutable; the {@code with...} methods return
 * copies.
 *
 * @param host     host name or address, usually {@code 127.0.0.1}
 * @param port     TCP port
 * @param user     role to log in as
 * @param database database name
 * @param env      extra libpq environment variables for psql/pgbench (JDBC takes {@code PGPASSWORD} as password)
 */
public record PgTarget(String host, int port, String user, String database, Map<String, String> env) {

    public PgTarget {
        env = Map.copyOf(env);
    }

    /** A target without extra environment. */
    public static PgTarget of(String host, int port, String user, String database) {
        return new PgTarget(host, port, user, database, Map.of());
    }

    public PgTarget withUser(String value) {
        return new PgTarget(host, port, value, database, env);
    }

    public PgTarget withDatabase(String value) {
        return new PgTarget(host, port, user, value, env);
    }

    /** Sets {@code PGPASSWORD} (and the JDBC password). */
    public PgTarget withPassword(String password) {
        return withEnv("PGPASSWORD", password);
    }

    /** Adds or replaces one libpq environment variable. */
    public PgTarget withEnv(String name, String value) {
        var copy = new LinkedHashMap<>(env);
        copy.put(name, value);
        return new PgTarget(host, port, user, database, copy);
    }

    /** The libpq environment that selects this target: PGHOST, PGPORT, PGUSER, PGDATABASE plus {@link #env()}. */
    public Map<String, String> libpqEnv() {
        var all = new LinkedHashMap<String, String>();
        all.put("PGHOST", host);
        all.put("PGPORT", Integer.toString(port));
        all.put("PGUSER", user);
        all.put("PGDATABASE", database);
        all.put("PGCONNECT_TIMEOUT", "10");
        all.putAll(env);
        return all;
    }

    /** {@code jdbc:postgresql://host:port/database}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /**
     * Opens a JDBC connection (pgjdbc; {@code PGSSLMODE} from {@link #env()} becomes {@code sslmode}). The caller
     * closes it.
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        String password = env.get("PGPASSWORD");
        if (password != null) {
            props.setProperty("password", password);
        }
        String sslmode = env.get("PGSSLMODE");
        props.setProperty("sslmode", sslmode != null ? sslmode : "disable");
        props.setProperty("connectTimeout", "10");
        // A server that accepts but never answers (crash restart, SIGSTOP) must fail a test, not hang the build.
        props.setProperty("loginTimeout", "30");
        props.setProperty("socketTimeout", "180");
        props.setProperty("ApplicationName", env.getOrDefault("PGAPPNAME", "tidepool-testkit"));
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    @Override
    public String toString() {
        // Never print the password.
        return user + "@" + host + ":" + port + "/" + database;
    }
}
