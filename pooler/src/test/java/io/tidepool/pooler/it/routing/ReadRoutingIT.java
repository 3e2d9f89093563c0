package io.tidepool.pooler.it.routing;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresCluster;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5 acceptance, reads: through a read-only target, transaction-mode queries spread over both standbys (shown
 * by {@code inet_server_port()}), writes through the read-write target reach only the primary, and a standby whose
 * replay is paused past max_standby_lag_bytes gets no reads until it catches up. One cluster (primary and two
 * streaming standbys) for the class; nothing here changes roles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PostgresLogOnFailure.class)
class ReadRoutingIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CLIENTS = 8;
    private static final int QUERIES_PER_CLIENT = 25;

    private PostgresCluster cluster;
    private PostgresNode primary;
    private PostgresNode standby1;
    private PostgresNode standby2;
    private RoutingFixture pooler;

    @BeforeAll
    void start() {
        cluster = PostgresCluster.builder().standbys(2).start();
        primary = cluster.primary();
        standby1 = cluster.standbys().get(0);
        standby2 = cluster.standbys().get(1);
        cluster.createDatabase("itr");
        cluster.waitForReplication();
        pooler = RoutingFixture.builder(cluster)
                .routed("app", "itr", "read-write")
                .routed("app_ro", "itr", "read-only")
                .routing("max_standby_lag_bytes", "1MB")
                .readOnlyListener()
                .start();
        Poll.until(WAIT, () -> pooler.topology().primary().isPresent()
                        && pooler.topology().hostsIn(HostRole.STANDBY).size() == 2,
                () -> "topology not complete: " + pooler.topology());
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Runs {@code select inet_server_port(), pg_sleep(0.005)} QUERIES_PER_CLIENT times on each of {@code clients}
     * connections in parallel, so that transactions overlap and the pool opens several server connections: a routed
     * pool chooses the host when it opens a server connection (as HAProxy does per TCP connection), so sequential
     * queries on one warm connection would all land on the same standby.
     */
    private static Map<Integer, Integer> serverPorts(PgTarget target, int clients) throws Exception {
        Map<Integer, Integer> ports = new java.util.concurrent.ConcurrentSkipListMap<>();
        List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                runs.add(threads.submit(() -> {
                    try (Connection c = RoutingFixture.connect(target); Statement s = c.createStatement()) {
                        for (int q = 0; q < QUERIES_PER_CLIENT; q++) {
                            try (ResultSet rs = s.executeQuery("select inet_server_port(), pg_sleep(0.005)")) {
                                rs.next();
                                ports.merge(rs.getInt(1), 1, Integer::sum);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var run : runs) {
                run.get();
            }
        }
        return new TreeMap<>(ports);
    }

    private static Map<Integer, Integer> serverPorts(PgTarget target) throws Exception {
        return serverPorts(target, CLIENTS);
    }

    /** Whether any of a round of reads through {@code target} ran on the server at {@code port}. */
    private static boolean readsReach(PgTarget target, int port) {
        try {
            return serverPorts(target).containsKey(port);
        } catch (Exception e) {
            throw new IllegalStateException("reads through " + target + ": " + e, e);
        }
    }

    @Test
    @Order(1)
    void readsSpreadOverBothStandbysAndWritesReachOnlyThePrimary() throws Exception {
        Map<Integer, Integer> readOnly = serverPorts(pooler.target("app_ro"));
        Map<Integer, Integer> listener = serverPorts(pooler.readOnlyTarget("app"));
        Map<Integer, Integer> writes = serverPorts(pooler.target("app"));
        System.out.printf("reads through app_ro by server port: %s; through the read-only listener: %s; app: %s"
                + " (primary %d, standbys %d, %d)%n", readOnly, listener, writes, primary.port(), standby1.port(),
                standby2.port());
        assertThat(readOnly.keySet()).containsExactlyInAnyOrder(standby1.port(), standby2.port());
        assertThat(listener.keySet()).containsExactlyInAnyOrder(standby1.port(), standby2.port());
        assertThat(writes.keySet()).containsExactly(primary.port());
        try (Connection c = RoutingFixture.connect(pooler.target("app")); Statement s = c.createStatement()) {
            s.execute("create table t(i int)");
            assertThat(s.executeUpdate("insert into t values (1)")).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void aStandbyLaggingPastMaxStandbyLagGetsNoReads() throws Exception {
        Host lagging = RoutingFixture.host(standby1);
        standby1.execute("select pg_wal_replay_pause()");
        try {
            // about 5 MB of WAL, past the 1MB limit
            primary.execute("create table filler as select g, repeat('x', 200) as pad"
                    + " from generate_series(1, 20000) g");
            Poll.until(WAIT, () -> pooler.topology().standbys(pooler.monitor().config().maxStandbyLag()).stream()
                            .noneMatch(s -> s.host().equals(lagging)),
                    () -> "standby1 not over the lag limit: " + pooler.topology());
            Host caughtUp = RoutingFixture.host(standby2);
            Poll.until(WAIT, () -> pooler.topology().status(caughtUp).orElseThrow()
                            .readable(pooler.monitor().config().maxStandbyLag()),
                    () -> "standby2 not caught up: " + pooler.topology());
            System.out.println("lagging: " + pooler.topology().status(lagging).orElseThrow());
            // The pools close their idle servers to standby1 on their own event loops just after the topology is
            // published (PoolGroup.topologyChanged): reads may reach it for those few milliseconds.
            Poll.until(WAIT, () -> !readsReach(pooler.target("app_ro"), standby1.port()),
                    () -> "reads still reach the lagging standby1: " + pooler.topology());
            Map<Integer, Integer> readOnly = serverPorts(pooler.target("app_ro"));
            Map<Integer, Integer> listener = serverPorts(pooler.readOnlyTarget("app"));
            System.out.printf("with standby1 (%d) lagging: app_ro %s, read-only listener %s%n", standby1.port(),
                    readOnly, listener);
            assertThat(readOnly.keySet()).containsExactly(standby2.port());
            assertThat(listener.keySet()).containsExactly(standby2.port());
        } finally {
            standby1.execute("select pg_wal_replay_resume()");
        }
        Poll.until(WAIT, () -> pooler.topology().standbys(pooler.monitor().config().maxStandbyLag()).size() == 2,
                () -> "standby1 not back under the limit: " + pooler.topology());
        // The read pool still holds its warm connections to standby2; more overlapping clients than it has make it
        // open new ones, which the round robin spreads over both standbys again.
        Map<Integer, Integer> again = serverPorts(pooler.target("app_ro"), 2 * CLIENTS);
        System.out.println("after catching up, " + 2 * CLIENTS + " clients: app_ro " + again);
        assertThat(again.keySet()).containsExactlyInAnyOrder(standby1.port(), standby2.port());
    }
}
