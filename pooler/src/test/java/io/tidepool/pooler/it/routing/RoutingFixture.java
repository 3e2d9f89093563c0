package io.tidepool.pooler.it.routing;

import io.tidepool.pooler.app.Tidepool;
import io.tidepool.routing.Host;
import io.tidepool.routing.Topology;
import io.tidepool.routing.monitor.TopologyMonitor;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PortAllocator;
import io.tidepool.testkit.PostgresCluster;
import io.tidepool.testkit.PostgresNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * An in-process Tidepool whose database entries route over every node of a test kit {@link PostgresCluster}
 * ({@code host=127.0.0.1,127.0.0.1,... port=p0,p1,...}, user postgres, auth_type trust, transaction pooling by
 * default, a fast {@code [routing]} section: check_interval 0.1 s, rise 1, fall 1), optionally with the read-only
 * listener. The host list is fixed when the pooler starts: after a failover the same nodes just change roles, as in
 * production. Owned by one test class or method, closed by it.
 */
final class RoutingFixture implements AutoCloseable {
    private final Tidepool tidepool;
    private final int port;
    private final int readOnlyPort;
    private final Path directory;
    private final List<Host> hosts;

    private RoutingFixture(Tidepool tidepool, int port, int readOnlyPort, Path directory, List<Host> hosts) {
        this.tidepool = tidepool;
        this.port = port;
        this.readOnlyPort = readOnlyPort;
        this.directory = directory;
        this.hosts = hosts;
    }

    static Builder builder(PostgresCluster cluster) {
        return new Builder(cluster);
    }

    static Host host(PostgresNode node) {
        return new Host(node.host(), node.port());
    }

    PgTarget target(String database) {
        return PgTarget.of("127.0.0.1", port, "postgres", database);
    }

    /** The read-only listener (readonly_listen_port) for {@code database}. */
    PgTarget readOnlyTarget(String database) {
        if (readOnlyPort == 0) {
            throw new IllegalStateException("no read-only listener configured");
        }
        return PgTarget.of("127.0.0.1", readOnlyPort, "postgres", database);
    }

    /** A JDBC connection through the pooler, simple protocol not forced, without connection retries. */
    static Connection connect(PgTarget target) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", target.user());
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }

    Tidepool tidepool() {
        return tidepool;
    }

    /** The monitor of this fixture's host list (shared by every routed entry). */
    TopologyMonitor monitor() {
        TopologyMonitor monitor = tidepool.routing().monitors().get(hosts);
        if (monitor == null) {
            throw new IllegalStateException("no monitor for " + hosts + ": " + tidepool.routing().monitors().keySet());
        }
        return monitor;
    }

    Topology topology() {
        return monitor().topology();
    }

    @Override
    public void close() {
        try {
            tidepool.shutdown(Duration.ofSeconds(2));
        } finally {
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
    static final class Builder {
        private final List<PostgresNode> nodes;
        private final Map<String, String> databases = new LinkedHashMap<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, String> routing = new LinkedHashMap<>();
        private boolean readOnlyListener;

        private Builder(PostgresCluster cluster) {
            this.nodes = cluster.nodes();
            settings.put("listen_addr", "127.0.0.1");
            settings.put("unix_socket_dir", "");
            settings.put("auth_type", "trust");
            settings.put("pool_mode", "transaction");
            settings.put("client_login_timeout", "5");
            settings.put("log_connections", "0");
            settings.put("log_disconnections", "0");
            routing.put("check_interval", "0.1");
            routing.put("check_timeout", "1");
            routing.put("rise", "1");
            routing.put("fall", "1");
            routing.put("failover_wait_timeout", "20");
        }

        /** A routed entry over all nodes of the cluster, for PostgreSQL database {@code dbname}. */
        Builder routed(String name, String dbname, String targetSessionAttrs) {
            String hostList = nodes.stream().map(PostgresNode::host).collect(Collectors.joining(","));
            String portList = nodes.stream().map(n -> Integer.toString(n.port())).collect(Collectors.joining(","));
            databases.put(name, "host=" + hostList + " port=" + portList + " user=" + PostgresNode.SUPERUSER
                    + " dbname=" + dbname + " target_session_attrs=" + targetSessionAttrs);
            return this;
        }

        /** A plain (unrouted) entry for one node. */
        Builder direct(String name, PostgresNode node, String dbname) {
            databases.put(name, "host=" + node.host() + " port=" + node.port() + " user=" + PostgresNode.SUPERUSER
                    + " dbname=" + dbname);
            return this;
        }

        /** A {@code [pgbouncer]} key; later calls win. */
        Builder set(String key, Object value) {
            settings.put(key, value.toString());
            return this;
        }

        /** A {@code [routing]} key; later calls win. */
        Builder routing(String key, Object value) {
            routing.put(key, value.toString());
            return this;
        }

        /** Also open the read-only listener (readonly_listen_port) on a free port. */
        Builder readOnlyListener() {
            readOnlyListener = true;
            return this;
        }

        RoutingFixture start() {
            Path directory;
            try {
                directory = Files.createTempDirectory("tidepool-routing-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Host> hosts = nodes.stream().map(RoutingFixture::host).toList();
            Exception last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = PortAllocator.freePort();
                int readOnlyPort = readOnlyListener ? PortAllocator.freePort() : 0;
                Path ini = directory.resolve("tidepool.ini");
                try {
                    Files.writeString(ini, ini(port, readOnlyPort));
                    return new RoutingFixture(Tidepool.start(ini), port, readOnlyPort, directory, hosts);
                } catch (Exception e) {
                    last = e;
                    if (!(rootCause(e) instanceof BindException)) {
                        break;
                    }
                }
            }
            throw new IllegalStateException("could not start Tidepool: " + last, last);
        }

        private String ini(int port, int readOnlyPort) {
            StringBuilder ini = new StringBuilder("[databases]\n");
            databases.forEach((name, value) -> ini.append(name).append(" = ").append(value).append('\n'));
            ini.append("\n[pgbouncer]\nlisten_port = ").append(port).append('\n');
            settings.forEach((key, value) -> ini.append(key).append(" = ").append(value).append('\n'));
            ini.append("\n[routing]\n");
            if (readOnlyPort != 0) {
                ini.append("readonly_listen_port = ").append(readOnlyPort).append('\n');
            }
            routing.forEach((key, value) -> ini.append(key).append(" = ").append(value).append('\n'));
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
