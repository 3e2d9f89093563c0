package io.tidepool.pooler.it;

import io.tidepool.pooler.app.Tidepool;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.testkit.LogSource;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PortAllocator;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.ServerLogs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * An in-process Tidepool in front of a test kit PostgreSQL node: writes a PgBouncer-format ini (databases pointing at
 * the node as superuser {@code postgres}, TCP on 127.0.0.1 at a free port, no Unix socket, auth_type trust,
 * client_login_timeout 2 s, plus the test's own {@code [pgbouncer]} overrides), starts {@link Tidepool#start}, and
 * stops it in {@link #close()}. Also captures the pooler's log lines ({@link #logs()}) and registers with the test
 * kit's {@link ServerLogs} so a failing test prints them. Owned by one test class (or method); thread-safe getters.
 */
public final class TidepoolFixture implements AutoCloseable, LogSource {
    private final Tidepool tidepool;
    private final int port;
    private final Path directory;
    private final LogCapture logs;

    private TidepoolFixture(Tidepool tidepool, int port, Path directory, LogCapture logs) {
        this.tidepool = tidepool;
        this.port = port;
        this.directory = directory;
        this.logs = logs;
    }

    public static Builder builder(PostgresNode node) {
        return new Builder(node);
    }

    /** Where clients connect: 127.0.0.1:port, user postgres, the given pooler database name. */
    public PgTarget target(String database) {
        return PgTarget.of(host(), port, "postgres", database);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public Tidepool tidepool() {
        return tidepool;
    }

    public LogCapture logs() {
        return logs;
    }

    public Path directory() {
        return directory;
    }

    /** Server connections open or being opened, summed over every pool group (the pools' slot counters). */
    public int serverSlots() {
        return tidepool.pools().groups().stream().mapToInt(PoolGroup::serverCount).sum();
    }

    /** Every server connection in the pools' lists with its state, read on each pool's own event loop. */
    public List<String> servers() {
        List<Future<List<String>>> parts = new ArrayList<>();
        for (PoolGroup group : tidepool.pools().groups()) {
            for (Pool pool : group.pools()) {
                parts.add(pool.loop().submit(() -> pool.servers().stream()
                        .map(s -> s + " " + s.state()).toList()));
            }
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> part : parts) {
            try {
                all.addAll(part.get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException("reading pool state: " + e, e);
            }
        }
        return all;
    }

    /** Clients known to the pools (every state), read on each pool's event loop. */
    public int clientCount() {
        int n = 0;
        for (PoolGroup group : tidepool.pools().groups()) {
            for (Pool pool : group.pools()) {
                try {
                    n += pool.loop().submit(() -> pool.clients().size()).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("reading pool state: " + e, e);
                }
            }
        }
        return n;
    }

    @Override
    public String logName() {
        return "tidepool 127.0.0.1:" + port;
    }

    @Override
    public String logTail(int lines) {
        return logs.tail(lines);
    }

    @Override
    public void close() {
        try {
            tidepool.shutdown(Duration.ofSeconds(2));
        } finally {
            ServerLogs.unregister(this);
            logs.detach();
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                // a leftover temp ini is not worth failing a test for
            }
        }
    }

    /** Options of one pooler. Mutable, one thread. */
    public static final class Builder {
        private final PostgresNode node;
        private final Map<String, String> databases = new LinkedHashMap<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final StringBuilder extraSections = new StringBuilder();

        private Builder(PostgresNode node) {
            this.node = node;
            settings.put("listen_addr", "127.0.0.1");
            settings.put("unix_socket_dir", "");
            settings.put("auth_type", "trust");
            settings.put("client_login_timeout", "2");
            settings.put("log_connections", "1");
            settings.put("log_disconnections", "1");
        }

        /** A database entry {@code name} for PostgreSQL database {@code dbname}, logged in as postgres. */
        public Builder database(String name, String dbname) {
            return databaseEntry(name, "dbname=" + dbname);
        }

        /** A database entry with extra connection string words after host, port and user. */
        public Builder databaseEntry(String name, String words) {
            databases.put(name, "host=" + node.host() + " port=" + node.port() + " user=" + PostgresNode.SUPERUSER
                    + " " + words);
            return this;
        }

        /** A database entry written exactly as given (no forced {@code user=}: clients log in as themselves). */
        Builder rawDatabase(String name, String value) {
            databases.put(name, value);
            return this;
        }

        /** Raw ini text appended after {@code [pgbouncer]}, e.g. a {@code [metrics]} section (admin tests). */
        public Builder extra(String iniText) {
            extraSections.append('\n').append(iniText).append('\n');
            return this;
        }

        /** A {@code [pgbouncer]} key; later calls win. */
        public Builder set(String key, Object value) {
            settings.put(key, value.toString());
            return this;
        }

        public TidepoolFixture start() {
            Path directory;
            try {
                directory = Files.createTempDirectory("tidepool-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LogCapture logs = LogCapture.attach();
            Exception last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = PortAllocator.freePort();
                Path ini = directory.resolve("tidepool.ini");
                try {
                    Files.writeString(ini, ini(port));
                    Tidepool tidepool = Tidepool.start(ini);
                    var fixture = new TidepoolFixture(tidepool, port, directory, logs);
                    ServerLogs.register(fixture);
                    return fixture;
                } catch (Exception e) {
                    last = e;
                    if (!(rootCause(e) instanceof BindException)) {
                        break;
                    }
                }
            }
            logs.detach();
            throw new IllegalStateException("could not start Tidepool: " + last, last);
        }

        private String ini(int port) {
            StringBuilder ini = new StringBuilder("[databases]\n");
            databases.forEach((name, value) -> ini.append(name).append(" = ").append(value).append('\n'));
            ini.append("\n[pgbouncer]\nlisten_port = ").append(port).append('\n');
            settings.forEach((key, value) -> ini.append(key).append(" = ").append(value).append('\n'));
            ini.append(extraSections);
            return ini.toString();
        }

        private static Throwable rootCause(Throwable e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            return cause;
        }
    }
}
