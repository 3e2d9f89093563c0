package io.tidepool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real PgBouncer (Debian's {@code /usr/sbin/pgbouncer}, or {@code $PGBOUNCER}) with a generated ini, for
 * differential tests and perf/: it listens on 127.0.0.1 on a free port, keeps its ini, auth file, Unix socket, pid
 * file and log in a private temp directory, and runs as the {@link ServerUser} (PgBouncer refuses root). {@link
 * Builder#start()} returns when it accepts TCP connections; {@link #close()} stops it and deletes the directory.
 * {@code admin_users = postgres}, so {@link #admin(String)} reaches the console. Owned by the test that started it;
 * safe from any thread.
 */
public final class PgBouncerProcess implements AutoCloseable, LogSource {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final int port;
    private final ExternalProcess process;
    private final Thread shutdownHook;
    private boolean closed;

    private PgBouncerProcess(Path directory, int port, ExternalProcess process) {
        this.directory = directory;
        this.port = port;
        this.process = process;
        this.shutdownHook = new Thread(this::close, "tidepool-pgbouncer-cleanup");
    }

    /** A builder with PgBouncer's defaults except: trust auth, session pooling, admin_users = postgres. */
    public static Builder builder() {
        return new Builder();
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The private directory: pgbouncer.ini, userlist.txt, pgbouncer.log, the socket. */
    public Path directory() {
        return directory;
    }

    /** The generated ini; edit it and call {@link #admin(String) admin("RELOAD")} to change settings. */
    public Path iniFile() {
        return directory.resolve("pgbouncer.ini");
    }

    /** A client target for this PgBouncer as {@code user} on {@code db}. */
    public PgTarget target(String user, String db) {
        return PgTarget.of(host(), port, user, db);
    }

    /** {@code jdbc:postgresql://127.0.0.1:port/db}. */
    public String jdbcUrl(String db) {
        return target(PostgresNode.SUPERUSER, db).jdbcUrl();
    }

    /** A JDBC connection through PgBouncer, without password. The caller closes it. */
    public Connection connect(String user, String db) throws SQLException {
        return target(user, db).connect();
    }

    /** A JDBC connection through PgBouncer with a password. The caller closes it. */
    public Connection connect(String user, String db, String password) throws SQLException {
        return target(user, db).withPassword(password).connect();
    }

    /** Runs an admin-console command ({@code SHOW POOLS}, {@code RELOAD}...) via psql; returns unaligned rows. */
    public String admin(String command) {
        return Psql.query(target(PostgresNode.SUPERUSER, "pgbouncer"), command);
    }

    /** Re-reads the ini and auth file ({@code RELOAD} on the admin console). */
    public void reload() {
        admin("RELOAD");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String logName() {
        return "pgbouncer :" + port;
    }

    /** The last {@code lines} lines of PgBouncer's log (its stderr: it runs in the foreground without logfile). */
    @Override
    public String logTail(int lines) {
        return process.outputTail(lines);
    }

    /** Stops PgBouncer (SIGTERM, SIGKILL after 5 s) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and this is the hook itself
        }
        process.close();
        ServerLogs.unregister(this);
        TempDirs.delete(directory);
    }

    @Override
    public String toString() {
        return "pgbouncer@" + host() + ":" + port;
    }

    /** Settings of a PgBouncer to start. A mutable builder for one thread. */
    public static final class Builder {
        private final List<String> databases = new ArrayList<>();
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
            users.put(PostgresNode.SUPERUSER, "");
            settings.put("auth_type", "trust");
            settings.put("pool_mode", "session");
            settings.put("admin_users", PostgresNode.SUPERUSER);
            // pgjdbc sends extra_float_digits in its StartupMessage; PgBouncer rejects unknown parameters otherwise.
            settings.put("ignore_startup_parameters", "extra_float_digits");
        }

        /** A {@code [databases]} entry: {@code name = connectionString} (e.g. {@code "host=... port=..."}). */
        public Builder database(String name, String connectionString) {
            databases.add(name + " = " + connectionString);
            return this;
        }

        /** A {@code [databases]} entry forwarding {@code name} to the database of the same name on {@code node}. */
        public Builder database(String name, PostgresNode node) {
            return database(name, "host=" + node.host() + " port=" + node.port() + " dbname=" + name);
        }

        /** {@code pool_mode}: session, transaction or statement. */
        public Builder poolMode(String mode) {
            return setting("pool_mode", mode);
        }

        /** {@code default_pool_size}. */
        public Builder defaultPoolSize(int size) {
            return setting("default_pool_size", Integer.toString(size));
        }

        /** {@code max_client_conn}. */
        public Builder maxClientConn(int count) {
            return setting("max_client_conn", Integer.toString(count));
        }

        /** {@code auth_type}: trust (default), md5, scram-sha-256, plain, hba... */
        public Builder authType(String type) {
            return setting("auth_type", type);
        }

        /**
         * A line of the auth_file ({@code "user" "password"}); PgBouncer also uses it to log in to the server. Even
         * with {@code auth_type = trust} PgBouncer admits only users listed here; {@code postgres} with an empty
         * password is listed unless given another one.
         */
        public Builder user(String name, String password) {
            users.put(name, password);
            return this;
        }

        /** Any other {@code [pgbouncer]} setting; later calls win. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Writes the ini and auth file, starts PgBouncer and waits until it accepts connections. */
        public PgBouncerProcess start() {
            ServerUser user = ServerUser.get();
            Path directory = TempDirs.create("tidepool-pgbouncer-");
            try {
                for (int attempt = 1; ; attempt++) {
                    int port = PortAllocator.freePort();
                    writeFiles(directory, port);
                    user.own(directory);
                    ExternalProcess process = ProcessRunner.of(user.wrap(List.of(binary(), iniPath(directory))))
                            .directory(directory)
                            .start(directory.resolve("pgbouncer.log"));
                    var bouncer = new PgBouncerProcess(directory, port, process);
                    try {
                        Await.until(START_TIMEOUT, () -> !process.isAlive() || PortAllocator.isListening(port),
                                () -> "pgbouncer did not listen on " + port);
                    } catch (TestkitException e) {
                        process.close();
                        throw new TestkitException(e.getMessage() + "\n" + bouncer.logTail(30), e);
                    }
                    if (process.isAlive()) {
                        Runtime.getRuntime().addShutdownHook(bouncer.shutdownHook);
                        ServerLogs.register(bouncer);
                        return bouncer;
                    }
                    String log = bouncer.logTail(30);
                    if (attempt == 3 || !log.contains("Address already in use")) {
                        throw new TestkitException("pgbouncer exited with " + process.exitCode() + ":\n" + log);
                    }
                }
            } catch (RuntimeException e) {
                TempDirs.delete(directory);
                throw e;
            }
        }

        private void writeFiles(Path directory, int port) {
            var ini = new StringBuilder("; generated by Tidepool's testkit (PgBouncerProcess)\n[databases]\n");
            databases.forEach(line -> ini.append(line).append('\n'));
            ini.append("\n[pgbouncer]\n");
            Map<String, String> all = new LinkedHashMap<>();
            all.put("listen_addr", "127.0.0.1");
            all.put("listen_port", Integer.toString(port));
            all.put("unix_socket_dir", directory.toString());
            all.put("pidfile", directory.resolve("pgbouncer.pid").toString());
            all.put("auth_file", directory.resolve("userlist.txt").toString());
            all.putAll(settings);
            all.forEach((key, value) -> ini.append(key).append(" = ").append(value).append('\n'));
            var userlist = new StringBuilder();
            // auth_file format: "user" "password", embedded double quotes doubled (PgBouncer docs, auth_file).
            users.forEach((name, password) -> userlist.append(quote(name)).append(' ').append(quote(password))
                    .append('\n'));
            try {
                Files.writeString(directory.resolve("pgbouncer.ini"), ini);
                Files.writeString(directory.resolve("userlist.txt"), userlist);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write pgbouncer files in " + directory, e);
            }
        }

        private static String quote(String value) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }

        private static String iniPath(Path directory) {
            return directory.resolve("pgbouncer.ini").toString();
        }

        private static String binary() {
            String override = System.getenv("PGBOUNCER");
            if (override != null && !override.isBlank()) {
                return override;
            }
            Path debian = Path.of("/usr/sbin/pgbouncer");
            if (Files.isExecutable(debian)) {
                return debian.toString();
            }
            return PgBinaries.onPath("pgbouncer").map(Path::toString).orElseThrow(() -> new TestkitException(
                    "pgbouncer not found in /usr/sbin nor on PATH (apt-get install pgbouncer, or set PGBOUNCER)"));
        }
    }
}
