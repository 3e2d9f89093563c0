package io.tidepool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One PostgreSQL server of a {@link PostgresCluster}: its data directory, port, log file and lifecycle (start, stop,
 * crash, promote, reload) plus the small SQL and config helpers tests need. Lifecycle calls go through {@code
 * pg_ctl} as the {@link ServerUser}; they are synchronized, so a node can be driven from any thread. Owned by its
 * cluster, which deletes everything on close.
 */
public final class PostgresNode implements LogSource {
    /** The bootstrap superuser of every test cluster ({@code initdb -U postgres}); trusted on loopback. */
    public static final String SUPERUSER = ServerUser.POSTGRES;
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final String RELOAD_LINE = "received SIGHUP, reloading configuration files";
    private static final List<String> CONFIG_FILES =
            List.of("postgresql.conf", "postgresql.auto.conf", "pg_hba.conf");

    private final String name;
    private final Path dataDir;
    private final Path socketDir;
    private final Path logFile;
    private final ServerTools tools;
    private final Map<String, byte[]> pristineConfig = new LinkedHashMap<>();
    private volatile int port;
    private boolean everStarted;

    PostgresNode(String name, Path dataDir, Path socketDir, Path logFile, int port, ServerTools tools) {
        this.name = name;
        this.dataDir = dataDir;
        this.socketDir = socketDir;
        this.logFile = logFile;
        this.port = port;
        this.tools = tools;
    }

    /** "primary", "standby1", "standby2"...: the role the node was created with (promotion does not rename it). */
    public String name() {
        return name;
    }

    /** Always {@code 127.0.0.1}: nodes listen on loopback only. */
    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The directory of the Unix-domain socket ({@code unix_socket_directories}); shared by the cluster's nodes. */
    public Path socketDir() {
        return socketDir;
    }

    /** The server's log file ({@code pg_ctl -l}); it survives restarts and is appended to. */
    public Path logFile() {
        return logFile;
    }

    /** {@code jdbc:postgresql://127.0.0.1:port/db}. */
    public String jdbcUrl(String db) {
        return target(SUPERUSER, db).jdbcUrl();
    }

    /** A client target for this node as {@code user} on {@code db} (no password; loopback is trusted). */
    public PgTarget target(String user, String db) {
        return PgTarget.of(host(), port, user, db);
    }

    /** The superuser on database {@code postgres}. */
    public PgTarget target() {
        return target(SUPERUSER, "postgres");
    }

    /** A JDBC connection as the superuser to {@code postgres}. The caller closes it. */
    public Connection connect() throws SQLException {
        return target().connect();
    }

    /** A JDBC connection as {@code user} to {@code db}, without password. The caller closes it. */
    public Connection connect(String user, String db) throws SQLException {
        return target(user, db).connect();
    }

    /** A JDBC connection as {@code user} with {@code password} (for when a test's pg_hba.conf asks for one). */
    public Connection connect(String user, String db, String password) throws SQLException {
        return target(user, db).withPassword(password).connect();
    }

    /** Runs {@code sql} as the superuser on {@code postgres}; failures become a {@link TestkitException}. */
    public void execute(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new TestkitException(name + ": " + sql + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState()
                    + ")", e);
        }
    }

    /** The first column of the first row of {@code sql} as text, or null if it is SQL NULL or there is no row. */
    public @Nullable String queryString(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new TestkitException(name + ": " + sql + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState()
                    + ")", e);
        }
    }

    /** Whether the node is a standby right now ({@code pg_is_in_recovery()}). */
    public boolean isInRecovery() {
        return "t".equals(queryString("select pg_is_in_recovery()"));
    }

    /** Runs the real psql against this node as the superuser on {@code postgres}; see {@link Psql}. */
    public ProcessResult psql(String... args) {
        return Psql.run(target(), args);
    }

    /**
     * Starts the server and waits until it accepts connections ({@code pg_ctl start -w}). On the very first start, a
     * port that another process took in the meantime is replaced by a fresh one (later starts keep the port: tests
     * rely on it).
     */
    public synchronized void start() {
        for (int attempt = 1; ; attempt++) {
            long logOffset = logSize();
            ProcessResult result = tools.run(PG_CTL_TIMEOUT, "pg_ctl", "start", "-w", "-t", "60",
                    "-D", dataDir, "-l", logFile);
            if (result.succeeded()) {
                everStarted = true;
                return;
            }
            boolean portTaken = logSince(logOffset).contains("could not create any TCP/IP sockets");
            if (everStarted || !portTaken || attempt == 3) {
                throw failure("did not start", result);
            }
            port = PortAllocator.freePort();
            appendConf("port = " + port);
        }
    }

    /** Stops the server with {@link StopMode#FAST} and waits; a no-op if it is not running. */
    public void stop() {
        stop(StopMode.FAST);
    }

    /** Stops the server with {@code mode} and waits until it is down; a no-op if it is not running. */
    public synchronized void stop(StopMode mode) {
        if (!isRunning()) {
            return;
        }
        ProcessResult result = tools.run(PG_CTL_TIMEOUT, "pg_ctl", "stop", "-w", "-t", "60", "-m", mode.pgCtlName(),
                "-D", dataDir);
        if (!result.succeeded() && isRunning()) {
            throw failure("did not stop (" + mode + ")", result);
        }
    }

    /** Stops with {@code mode}, then starts again on the same port. */
    public synchronized void restart(StopMode mode) {
        stop(mode);
        start();
    }

    /**
     * Crashes the node as a host failure would: SIGKILL to the postmaster and to all its children at once (not
     * only the postmaster, whose orphaned backends would otherwise keep clients' connections and the shared memory
     * alive). The postmaster is first stopped (SIGSTOP) so that it cannot fork a child between the moment its
     * children are listed and its death. Returns when every process is gone; {@link #start()} then runs crash
     * recovery.
     */
    public synchronized void kill9() {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessRunner.of("kill", "-STOP", Long.toString(postmaster.get().pid())).run();
        List<ProcessHandle> tree = new ArrayList<>(postmaster.get().descendants().toList());
        tree.addFirst(postmaster.get());
        tree.forEach(ProcessHandle::destroyForcibly);
        // The postmaster must be reaped, not just dead: a new postmaster refuses to start while the pid in
        // postmaster.pid answers kill(pid, 0), which a zombie does. Children only need to be dead (detached from
        // shared memory), and waiting for init to reap them can take seconds in some containers.
        ProcessHandle pm = postmaster.get();
        Await.until(Duration.ofSeconds(30),
                () -> !pm.isAlive() && tree.stream().noneMatch(ExternalProcess::isRunning),
                () -> name + ": processes survived SIGKILL: " + tree.stream().filter(ProcessHandle::isAlive).toList());
    }

    /** Promotes a standby ({@code pg_ctl promote -w}) and waits until it is out of recovery. */
    public synchronized void promote() {
        ProcessResult result = tools.run(PG_CTL_TIMEOUT, "pg_ctl", "promote", "-w", "-t", "60", "-D", dataDir);
        if (!result.succeeded()) {
            throw failure("did not promote", result);
        }
        Await.until(Duration.ofSeconds(60), () -> !isInRecovery(), () -> name + " still in recovery after promote\n"
                + logTail(30));
    }

    /**
     * Makes this standby stream from {@code upstream} instead (after a failover: the surviving standbys follow the
     * promoted one). Creates this node's replication slot on {@code upstream}, points {@code primary_conninfo} and
     * {@code primary_slot_name} at it with ALTER SYSTEM (both reload without restart since PostgreSQL 13) and waits
     * until {@code upstream} reports it streaming. The standby must not have replayed WAL past the point where
     * {@code upstream} was promoted (true for standbys of the same crashed primary in these tests).
     */
    public synchronized void follow(PostgresNode upstream) {
        upstream.execute("select pg_create_physical_replication_slot(" + Sql.literal(name) + ") where not exists"
                + " (select from pg_replication_slots where slot_name = " + Sql.literal(name) + ")");
        String conninfo = "host=" + upstream.host() + " port=" + upstream.port() + " user=" + SUPERUSER
                + " application_name=" + name;
        execute("alter system set primary_conninfo = " + Sql.literal(conninfo));
        execute("alter system set primary_slot_name = " + Sql.literal(name));
        reload();
        String sql = "select count(*) from pg_stat_replication where application_name = " + Sql.literal(name)
                + " and state = 'streaming'";
        Await.until(Duration.ofSeconds(60), () -> "1".equals(upstream.queryString(sql)),
                () -> this + " is not streaming from " + upstream + "\n" + logTail(30));
    }

    /** Waits until this standby has replayed {@code upstream}'s current WAL insert position. */
    public void waitUntilReplayed(PostgresNode upstream, Duration timeout) {
        // The insert position, not pg_current_wal_lsn() (the write position): with synchronous_commit = off a
        // committed transaction's record may still be only in the WAL buffers.
        String lsn = upstream.queryString("select pg_current_wal_insert_lsn()");
        String sql = "select pg_last_wal_replay_lsn() >= " + Sql.literal(String.valueOf(lsn)) + "::pg_lsn";
        Await.until(timeout, () -> "t".equals(queryString(sql)),
                () -> this + " has not replayed " + upstream + "'s " + lsn + "\n" + logTail(20));
    }

    /**
     * Reloads the configuration (SIGHUP via {@code pg_ctl reload}) and waits until the postmaster has logged that it
     * reloads. The postmaster re-reads the files before it accepts the next connection, so a connection opened after
     * this returns sees the new pg_hba.conf.
     */
    public synchronized void reload() {
        long logOffset = logSize();
        tools.run(PG_CTL_TIMEOUT, "pg_ctl", "reload", "-D", dataDir).requireSuccess();
        Await.until(Duration.ofSeconds(30), () -> logSince(logOffset).contains(RELOAD_LINE),
                () -> name + ": no '" + RELOAD_LINE + "' in the log\n" + logTail(20));
    }

    /** Whether the postmaster of this node is alive. */
    public boolean isRunning() {
        return postmaster().isPresent();
    }

    /** Appends one line to postgresql.conf (effective after {@link #reload()} or a restart, per setting). */
    public void appendConf(String line) {
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), line + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot append to postgresql.conf", e);
        }
    }

    /**
     * Replaces pg_hba.conf with {@code content} (effective after {@link #reload()}). Standbys replicate from the
     * primary over loopback: keep a {@code host replication all 127.0.0.1/32 trust} line on the primary if they must
     * keep streaming.
     */
    public void writeHba(String content) {
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot write pg_hba.conf", e);
        }
    }

    /**
     * Puts postgresql.conf, postgresql.auto.conf and pg_hba.conf back as they were when the cluster had started, and
     * reloads if running. Settings that need a restart stay in force until the next restart.
     */
    public synchronized void resetConfig() {
        try {
            for (var file : pristineConfig.entrySet()) {
                Files.write(dataDir.resolve(file.getKey()), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot restore the configuration", e);
        }
        if (isRunning()) {
            reload();
        }
    }

    @Override
    public String logName() {
        return "postgres " + name + " :" + port;
    }

    /** The last {@code lines} lines of the server log. */
    @Override
    public String logTail(int lines) {
        return LogFiles.tail(logFile, lines);
    }

    @Override
    public String toString() {
        return name + "@" + host() + ":" + port;
    }

    /** Records the configuration files as {@link #resetConfig()} will restore them. */
    void snapshotConfig() {
        try {
            for (String file : CONFIG_FILES) {
                pristineConfig.put(file, Files.readAllBytes(dataDir.resolve(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read the configuration", e);
        }
    }

    /** The live postmaster, from the first line of postmaster.pid (stale after a crash, hence the liveness check). */
    private Optional<ProcessHandle> postmaster() {
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty() || lines.getFirst().isBlank()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.getFirst().trim())).filter(ExternalProcess::isRunning);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();   // being written or removed right now: treat as not running
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try {
            byte[] all = Files.exists(logFile) ? Files.readAllBytes(logFile) : new byte[0];
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private TestkitException failure(String what, ProcessResult result) {
        return new TestkitException(name + " (port " + port + ") " + what + ": " + result.describe()
                + "\n--- server log (" + logFile + ") ---\n" + logTail(40));
    }
}
