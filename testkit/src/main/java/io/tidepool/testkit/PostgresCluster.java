package io.tidepool.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A throw-away PostgreSQL cluster from the installed binaries: a primary and N streaming standbys in a fresh temp
 * directory, on free loopback ports, configured with PgBouncer's test recipe ({@code initdb -A trust --nosync},
 * fsync off, connections logged, a private port and socket directory). Standbys are {@code pg_basebackup -R -X
 * stream} copies with their own replication slot, and {@link Builder#start()} returns only when each one is in
 * recovery and streaming. {@link #close()} stops every node (immediate) and deletes the directory; a JVM shutdown
 * hook does the same for a run that dies first. For a suite-wide cluster that need not be private, see {@link
 * SharedPostgres}. Owned by the test that built it; the methods may be called from any thread.
 *
 * <pre>{@code
 * try (var cluster = PostgresCluster.builder().standbys(2).maxConnections(300).start()) {
 *     cluster.primary().execute("create table t(i int)");
 *     cluster.waitForReplication();
 * }
 * }</pre>
 */
public final class PostgresCluster implements AutoCloseable {
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final ServerTools tools;
    private final List<PostgresNode> nodes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private PostgresCluster(Path directory, ServerTools tools) {
        this.directory = directory;
        this.tools = tools;
        this.shutdownHook = new Thread(this::closeQuietly, "tidepool-postgres-cleanup");
    }

    /** A builder with the defaults: no standbys, {@code max_connections = 200}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The node started as primary (after a {@link PostgresNode#promote()} elsewhere it may no longer be one). */
    public PostgresNode primary() {
        return nodes.getFirst();
    }

    /** The nodes started as standbys, in order ("standby1", "standby2"...). */
    public List<PostgresNode> standbys() {
        return List.copyOf(nodes.subList(1, nodes.size()));
    }

    /** The primary, then the standbys. */
    public List<PostgresNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The cluster's temp directory: data directories, logs and Unix sockets. */
    public Path directory() {
        return directory;
    }

    /** Creates a login role on the primary (password hashed per the server's password_encryption, scram-sha-256). */
    public void createUser(String name, String password) {
        primary().execute("create role " + Sql.ident(name) + " login password " + Sql.literal(password));
    }

    /** Creates a database on the primary, owned by the superuser. */
    public void createDatabase(String name) {
        primary().execute("create database " + Sql.ident(name));
    }

    /** Creates a database on the primary owned by {@code owner}. */
    public void createDatabase(String name, String owner) {
        primary().execute("create database " + Sql.ident(name) + " owner " + Sql.ident(owner));
    }

    /**
     * Waits (up to 60 s) until every running standby has replayed {@link #primary()}'s current WAL position. After a
     * failover, wait on the new primary with {@link PostgresNode#waitUntilReplayed} instead.
     */
    public void waitForReplication() {
        waitForReplication(STREAMING_TIMEOUT);
    }

    /** Waits until every running standby has replayed the primary's current WAL position; see the overload. */
    public void waitForReplication(Duration timeout) {
        for (PostgresNode standby : standbys()) {
            if (standby.isRunning()) {
                standby.waitUntilReplayed(primary(), timeout);
            }
        }
    }

    /** Stops every node (immediate shutdown, SIGKILL if that fails) and deletes the directory. Idempotent. */
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
        for (PostgresNode node : nodes.reversed()) {
            try {
                node.stop(StopMode.IMMEDIATE);
            } catch (RuntimeException e) {
                node.kill9();
            }
            ServerLogs.unregister(node);
        }
        TempDirs.delete(directory);
    }

    /** Whether {@link #close()} has been called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "PostgresCluster" + nodes;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("tidepool testkit: could not clean up " + directory + ": " + e);
        }
    }

    private PostgresNode addNode(String name) {
        var node = new PostgresNode(name, directory.resolve(name), directory, directory.resolve(name + ".log"),
                PortAllocator.freePort(), tools);
        nodes.add(node);
        ServerLogs.register(node);
        return node;
    }

    private void initPrimary(int maxConnections, Map<String, String> settings) {
        PostgresNode primary = addNode("primary");
        tools.run(SETUP_TIMEOUT, "initdb", "-D", primary.dataDir(), "-U", PostgresNode.SUPERUSER, "-A", "trust",
                "--nosync", "--no-locale", "-E", "UTF8").requireSuccess();
        // PgBouncer's test recipe (test/test.ini, test/conftest.py), plus what streaming standbys need.
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listen_addresses", "127.0.0.1");
        conf.put("port", Integer.toString(primary.port()));
        conf.put("unix_socket_directories", directory.toString());
        conf.put("fsync", "off");
        conf.put("synchronous_commit", "off");
        conf.put("full_page_writes", "off");
        conf.put("log_connections", "on");
        conf.put("log_disconnections", "on");
        conf.put("log_line_prefix", "%m [%p] %q%u@%d ");
        conf.put("logging_collector", "off");
        conf.put("wal_level", "replica");
        conf.put("max_wal_senders", "10");
        conf.put("hot_standby", "on");
        conf.put("max_connections", Integer.toString(maxConnections));
        conf.putAll(settings);
        primary.appendConf("\n# tidepool testkit");
        conf.forEach((key, value) -> primary.appendConf(key + " = " + Sql.literal(value)));
        primary.start();
    }

    private void addStandby(int number) {
        PostgresNode primary = primary();
        String name = "standby" + number;
        PostgresNode standby = addNode(name);
        // -R writes standby.signal and primary_conninfo (with our application_name); -C -S: a slot per standby so
        // the primary keeps the WAL a stopped standby still needs.
        tools.run(SETUP_TIMEOUT, "pg_basebackup", "-h", primary.host(), "-p", primary.port(),
                "-U", PostgresNode.SUPERUSER, "-d", "application_name=" + name, "-D", standby.dataDir(),
                "-R", "-X", "stream", "-c", "fast", "--no-sync", "-C", "-S", name).requireSuccess();
        standby.appendConf("port = " + standby.port());
        standby.start();
    }

    private void awaitStreaming() {
        for (PostgresNode standby : standbys()) {
            String sql = "select count(*) from pg_stat_replication where application_name = '" + standby.name()
                    + "' and state = 'streaming'";
            Await.until(STREAMING_TIMEOUT, () -> standby.isInRecovery() && "1".equals(primary().queryString(sql)),
                    () -> standby + " is not streaming from " + primary() + "\n" + standby.logTail(30));
        }
    }

    /** Options of a cluster to start. A mutable builder for one thread; {@link #start()} may be called once. */
    public static final class Builder {
        private int standbys;
        private int maxConnections = 200;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /** How many streaming standbys to create (default 0). */
        public Builder standbys(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("standbys: " + count + " (expected: >= 0)");
            }
            standbys = count;
            return this;
        }

        /** {@code max_connections} of every node (default 200). */
        public Builder maxConnections(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxConnections: " + count + " (expected: >= 1)");
            }
            maxConnections = count;
            return this;
        }

        /** Any other postgresql.conf setting, written quoted; later calls win. Standbys inherit it. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Creates and starts the cluster; on failure, cleans up what was started and throws. */
        public PostgresCluster start() {
            Path directory = TempDirs.create("tidepool-pg-");
            ServerUser user = ServerUser.get();
            user.own(directory);
            var cluster = new PostgresCluster(directory, new ServerTools(PgBinaries.get(), user, directory));
            Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            try {
                cluster.initPrimary(maxConnections, settings);
                for (int i = 1; i <= standbys; i++) {
                    cluster.addStandby(i);
                }
                cluster.awaitStreaming();
                cluster.nodes.forEach(PostgresNode::snapshotConfig);
                return cluster;
            } catch (RuntimeException e) {
                try {
                    cluster.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }
}
