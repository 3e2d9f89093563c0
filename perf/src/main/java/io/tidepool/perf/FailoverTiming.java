package io.tidepool.perf;

import io.tidepool.pooler.app.Tidepool;
import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.routing.monitor.TopologyMonitor;
import io.tidepool.testkit.PgBinaries;
import io.tidepool.testkit.PortAllocator;
import io.tidepool.testkit.PostgresCluster;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.ProcessRunner;
import io.tidepool.testkit.ServerUser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Failover timing through Tidepool (issue 5): a primary and two streaming standbys from the test kit, an in-process
 * Tidepool routing {@code app} (read-write, transaction mode, check_interval 0.1 s) over all three, and four JDBC
 * writers inserting in autocommit. Each round kills the primary ({@code kill -9} of the whole process tree),
 * promotes the first standby, lets the other standby follow it, and re-seeds the killed node as a standby of the new
 * primary with {@code pg_basebackup}, so the next round starts from the same shape. Prints per round and then
 * min / median / max of: kill → the pooler stops routing writes (the topology has no primary), and promotion →
 * first write acknowledged through Tidepool (from the start of {@code pg_ctl promote}, and from its return).
 *
 * <p>Run: {@code java -cp perf/target/tidepool-perf.jar io.tidepool.perf.FailoverTiming [rounds]} (default 10;
 * as root, PostgreSQL runs as the postgres user). Figures only; nothing is asserted. One thread plus the writers.
 */
public final class FailoverTiming {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int WRITERS = 4;

    private final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong nextId = new AtomicLong();
    private volatile boolean running = true;

    private FailoverTiming() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        new FailoverTiming().run(rounds);
    }

    private void run(int rounds) throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(2).start()) {
            cluster.createDatabase("perf");
            cluster.primary().execute("select 1");
            try (Connection c = cluster.primary().connect(PostgresNode.SUPERUSER, "perf");
                    Statement s = c.createStatement()) {
                s.execute("create table w(id bigint primary key, at timestamptz default now())");
            }
            cluster.waitForReplication();
            List<PostgresNode> order = new ArrayList<>(cluster.nodes());   // [primary, next to promote, other]
            Path dir = Files.createTempDirectory("tidepool-failover-timing-");
            int port = PortAllocator.freePort();
            Path ini = dir.resolve("tidepool.ini");
            Files.writeString(ini, ini(cluster.nodes(), port));
            Tidepool tidepool = Tidepool.start(ini);
            List<Thread> writers = new ArrayList<>();
            List<long[]> figures = new ArrayList<>();
            try {
                List<Host> hosts = cluster.nodes().stream().map(n -> new Host(n.host(), n.port())).toList();
                TopologyMonitor monitor = tidepool.routing().monitors().get(hosts);
                awaitPrimary(monitor, order.getFirst());
                for (int i = 0; i < WRITERS; i++) {
                    writers.add(Thread.ofPlatform().daemon().start(() -> write(port)));
                }
                for (int round = 1; round <= rounds; round++) {
                    figures.add(round(round, monitor, order));
                }
            } finally {
                running = false;
                for (Thread t : writers) {
                    t.join(10_000);
                }
                tidepool.shutdown(Duration.ofSeconds(2));
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
            System.out.printf("%n%d failovers, %d writer errors in all (statements in flight at each kill)%n",
                    figures.size(), errors.get());
            summary("kill -9 -> writes no longer routed (no primary)", figures, 0);
            summary("pg_ctl promote start -> first write through Tidepool", figures, 1);
            summary("promotion done (promote returned) -> first write", figures, 2);
        }
    }

    /** One failover; returns {kill→refused, promote start→first write, promote return→first write} in µs. */
    private long[] round(int round, TopologyMonitor monitor, List<PostgresNode> order) throws Exception {
        PostgresNode primary = order.get(0);
        PostgresNode next = order.get(1);
        PostgresNode other = order.get(2);
        Host nextHost = new Host(next.host(), next.port());
        var noPrimary = new CompletableFuture<Long>();
        monitor.addListener(change -> {
            if (change.current().primary().isEmpty()) {
                noPrimary.complete(System.nanoTime());
            }
        });
        Thread.sleep(500);                                // steady load first
        long kill = System.nanoTime();
        primary.kill9();
        long refused = noPrimary.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Thread.sleep(300);
        long promoting = System.nanoTime();
        next.promote();
        long promoted = System.nanoTime();
        long firstWrite = firstAckAfter(promoting);
        awaitPrimary(monitor, next);
        long[] figure = {micros(refused - kill), micros(firstWrite - promoting), micros(firstWrite - promoted)};
        System.out.printf("round %2d: kill->refused %6.1f ms, promote start->write %6.1f ms, promote done->write"
                + " %6.1f ms (pg_ctl promote %6.1f ms)%n", round, figure[0] / 1e3, figure[1] / 1e3, figure[2] / 1e3,
                micros(promoted - promoting) / 1e3);
        // Back to one primary and two standbys: the other standby follows, the killed node is re-seeded.
        try {
            other.follow(next);
        } catch (RuntimeException e) {
            System.out.println("  " + other + " cannot follow (" + e.getMessage().lines().findFirst().orElse("")
                    + "); re-seeding it");
            reseed(other, next);
        }
        reseed(primary, next);
        Poll.until(() -> monitor.topology().hostsIn(HostRole.STANDBY).size() == 2, "two standbys again: "
                + monitor.topology());
        order.clear();
        order.addAll(List.of(next, other, primary));
        monitor.topology().hosts().stream().filter(s -> s.role() == HostRole.FENCED)
                .forEach(s -> System.out.println("  fenced: " + s));
        return figure;
    }

    /** Replaces {@code node}'s data directory by a pg_basebackup of {@code upstream} and starts it as a standby. */
    private static void reseed(PostgresNode node, PostgresNode upstream) {
        node.stop(io.tidepool.testkit.StopMode.IMMEDIATE);
        ProcessRunner.of("rm", "-rf", node.dataDir().toString()).run().requireSuccess();
        upstream.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '"
                + node.name() + "' and not active");
        ProcessRunner.of(ServerUser.get().wrap(List.of(PgBinaries.get().tool("pg_basebackup").toString(),
                "-h", upstream.host(), "-p", Integer.toString(upstream.port()), "-U", PostgresNode.SUPERUSER,
                "-d", "application_name=" + node.name(), "-D", node.dataDir().toString(), "-R", "-X", "stream",
                "-c", "fast", "--no-sync", "-C", "-S", node.name()))).timeout(WAIT).run().requireSuccess();
        node.appendConf("port = " + node.port());
        node.start();
    }

    private void write(int port) {
        Properties props = new Properties();
        props.setProperty("user", PostgresNode.SUPERUSER);
        props.setProperty("sslmode", "disable");
        props.setProperty("socketTimeout", "60");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/app";
        while (running) {
            try (Connection c = DriverManager.getConnection(url, props);
                    PreparedStatement insert = c.prepareStatement("insert into w(id) values (?)")) {
                while (running) {
                    insert.setLong(1, nextId.incrementAndGet());
                    insert.executeUpdate();
                    acks.add(System.nanoTime());
                }
            } catch (SQLException e) {
                errors.incrementAndGet();
            }
        }
    }

    private long firstAckAfter(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> first = acks.stream().filter(t -> t >= nanos).min(Comparator.naturalOrder());
            if (first.isPresent()) {
                acks.removeIf(t -> t < nanos);
                return first.get();
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no write through Tidepool within " + WAIT + " of the promotion");
    }

    private static void awaitPrimary(TopologyMonitor monitor, PostgresNode node) {
        Host host = new Host(node.host(), node.port());
        Poll.until(() -> monitor.topology().primary().equals(Optional.of(host)), node + " not primary: "
                + monitor.topology());
    }

    private static String ini(List<PostgresNode> nodes, int port) {
        String hosts = nodes.stream().map(PostgresNode::host).collect(Collectors.joining(","));
        String ports = nodes.stream().map(n -> Integer.toString(n.port())).collect(Collectors.joining(","));
        return "[databases]\napp = host=" + hosts + " port=" + ports + " user=postgres dbname=perf"
                + " target_session_attrs=read-write\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = " + port
                + "\nunix_socket_dir =\nauth_type = trust\npool_mode = transaction\nlog_connections = 0\n"
                + "log_disconnections = 0\n\n[routing]\ncheck_interval = 0.1\ncheck_timeout = 1\nrise = 1\nfall = 1\n"
                + "failover_wait_timeout = 30\n";
    }

    private static void summary(String what, List<long[]> figures, int column) {
        List<Long> values = figures.stream().map(f -> f[column]).sorted().toList();
        if (values.isEmpty()) {
            return;
        }
        long median = values.size() % 2 == 1 ? values.get(values.size() / 2)
                : (values.get(values.size() / 2 - 1) + values.get(values.size() / 2)) / 2;
        System.out.printf("%-55s min %7.1f ms  median %7.1f ms  max %7.1f ms%n", what, values.getFirst() / 1e3,
                median / 1e3, values.getLast() / 1e3);
    }

    private static long micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }

    /** Polls a condition every 10 ms for up to a minute. */
    private static final class Poll {
        static void until(java.util.function.BooleanSupplier condition, String failure) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out: " + failure);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
