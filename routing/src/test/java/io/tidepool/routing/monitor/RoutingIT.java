package io.tidepool.routing.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.routing.HostStatus;
import io.tidepool.routing.Poll;
import io.tidepool.routing.RoutingConfig;
import io.tidepool.routing.RoutingPolicy;
import io.tidepool.routing.Topology;
import io.tidepool.routing.TopologyChange;
import io.tidepool.testkit.PostgresCluster;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.StopMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The role monitors against a real primary with two streaming standbys (PostgreSQL 15 from the test kit), with an
 * unprivileged monitor role. One cluster for the class, so the scenarios run in order and the destructive ones
 * (crash, restart, failover, the old primary's return) come last. Timings are printed, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PostgresLogOnFailure.class)
class RoutingIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RoutingConfig CONFIG = RoutingConfig.parse(Map.of(
            "check_interval", "0.2",
            "check_timeout", "1",
            "rise", "2",
            "fall", "2",
            "max_standby_lag_bytes", "1MB",
            "monitor_user", "tidepool_monitor",
            "monitor_dbname", "postgres"), w -> { });

    private PostgresCluster cluster;
    private PostgresNode primary;
    private PostgresNode standby1;
    private PostgresNode standby2;
    private Host p;
    private Host s1;
    private Host s2;
    private TopologyMonitor monitor;
    private final List<TopologyChange> changes = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        primary = cluster.primary();
        standby1 = cluster.standbys().get(0);
        standby2 = cluster.standbys().get(1);
        primary.execute("create role tidepool_monitor login");
        cluster.waitForReplication();
        p = host(primary);
        s1 = host(standby1);
        s2 = host(standby2);
        monitor = TopologyMonitor.start("it", List.of(p, s1, s2), CONFIG);
        monitor.addListener(changes::add);
    }

    @AfterAll
    void stopCluster() {
        if (monitor != null) {
            monitor.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Host host(PostgresNode node) {
        return new Host(node.host(), node.port());
    }

    private HostStatus status(Host host) {
        return monitor.topology().status(host).orElseThrow();
    }

    private void awaitTopology(String what, java.util.function.Predicate<Topology> condition) {
        Poll.until(WAIT, () -> condition.test(monitor.topology()), () -> what + "; topology: " + monitor.topology());
    }

    @Test
    @Order(1)
    void detectsThePrimaryAndBothStandbysWithTheirTimelines() {
        awaitTopology("roles", t -> t.primary().isPresent() && t.standbys(CONFIG.maxStandbyLag()).size() == 2);
        Topology t = monitor.topology();
        System.out.println("detected: " + t);
        assertThat(t.primary()).contains(p);
        assertThat(t.hostsIn(HostRole.STANDBY)).containsExactly(s1, s2);
        assertThat(status(p).timeline()).isEqualTo(1);
        assertThat(status(s1).timeline()).isEqualTo(1);
        assertThat(status(p).walLsn()).isPositive();
        assertThat(status(s1).replayLsn()).isPositive();
        assertThat(t.degraded()).isFalse();
        // the monitor holds one persistent connection per host, logged in as the unprivileged role
        assertThat(primary.queryString("select count(*) from pg_stat_activity where application_name ="
                + " 'tidepool-monitor' and usename = 'tidepool_monitor'")).isEqualTo("1");
    }

    @Test
    @Order(2)
    void aStandbyLaggingPastMaxStandbyLagGetsNoReads() {
        var policy = RoutingPolicy.of(CONFIG);
        standby1.execute("select pg_wal_replay_pause()");
        try {
            primary.execute("create table filler as select g, repeat('x', 200) as pad"
                    + " from generate_series(1, 20000) g");  // about 5 MB of WAL
            awaitTopology("standby1 over the lag limit", t -> !t.status(s1).orElseThrow()
                    .readable(CONFIG.maxStandbyLag()));
            // The byte lag counts from the primary's WAL position, so it can cross the limit before standby1's WAL
            // receiver has flushed any of the new WAL; the replay delay is measured only over WAL received and not
            // yet replayed, so it turns positive a check or two later (a loaded CI machine saw 0 s here).
            awaitTopology("standby1 with received WAL waiting for replay", t -> t.status(s1).orElseThrow()
                    .replayDelay().isPositive());
            System.out.println("lagging: " + status(s1));
            assertThat(status(s1).lagBytes()).isGreaterThan(1L << 20);
            assertThat(status(s1).replayDelay()).isPositive();
            awaitTopology("standby2 caught up", t -> t.status(s2).orElseThrow().readable(CONFIG.maxStandbyLag()));
            for (int i = 0; i < 10; i++) {
                assertThat(policy.readHost(monitor.topology())).contains(s2);
            }
        } finally {
            standby1.execute("select pg_wal_replay_resume()");
        }
        awaitTopology("standby1 back under the limit", t -> t.standbys(CONFIG.maxStandbyLag()).size() == 2);
        var picks = new java.util.HashSet<Host>();
        for (int i = 0; i < 4; i++) {
            picks.add(policy.readHost(monitor.topology()).orElseThrow());
        }
        assertThat(picks).containsExactlyInAnyOrder(s1, s2);
    }

    @Test
    @Order(3)
    void aPauseOnTheVirtualClockHoldsWritesUntilEveryHostIsCheckedAgain() {
        var clock = new VirtualClock();
        try (var manual = TopologyMonitor.manual("it-manual", List.of(p, s1, s2), CONFIG,
                h -> new RoleProbe(h, CONFIG), clock)) {
            for (Host h : List.of(p, s1, s2)) {
                manual.monitor(h).check(clock.nanoTime());
            }
            assertThat(manual.topology().primary()).contains(p);
            long scheduled = clock.nanoTime() + CONFIG.checkInterval().toNanos();
            clock.advance(Duration.ofSeconds(60));      // the pooler "slept" for a minute
            manual.monitor(p).check(scheduled);
            assertThat(manual.topology().stale()).isTrue();
            assertThat(manual.topology().primary()).isEmpty();
            for (Host h : List.of(p, s1, s2)) {
                manual.monitor(h).check(clock.nanoTime());
            }
            assertThat(manual.topology().stale()).isFalse();
            assertThat(manual.topology().primary()).contains(p);
        }
    }

    @Test
    @Order(4)
    void aHungStandbyTimesOutGoesDownAndComesBack() throws Exception {
        awaitTopology("standby2 up", t -> t.status(s2).orElseThrow().readable(CONFIG.maxStandbyLag()));
        ProcessHandle postmaster = postmaster(standby2);
        List<ProcessHandle> tree = new java.util.ArrayList<>(List.of(postmaster));
        try {
            // A hung server: TCP accepts, nothing answers. The postmaster first, so that it forks nothing new while
            // its children are listed; a child may still exit before its signal (a backend whose client left).
            signal("STOP", postmaster);
            tree.addAll(postmaster.descendants().toList());
            tree.stream().skip(1).forEach(child -> signal("STOP", child));
            long stopped = System.nanoTime();
            awaitTopology("standby2 down", t -> t.status(s2).orElseThrow().role() == HostRole.DOWN);
            System.out.printf("SIGSTOPped standby: DOWN after %d ms (check_timeout %s, fall %d): %s%n",
                    ms(System.nanoTime() - stopped), CONFIG.checkTimeout(), CONFIG.fall(), status(s2).lastError());
            assertThat(status(s2).lastError()).startsWith("no answer within check_timeout");
            assertThat(monitor.topology().primary()).contains(p);
            assertThat(RoutingPolicy.of(CONFIG).readHost(monitor.topology())).contains(s1);
        } finally {
            tree.forEach(process -> signal("CONT", process));   // also after a failure: the later tests need it
        }
        awaitTopology("standby2 back", t -> t.status(s2).orElseThrow().readable(CONFIG.maxStandbyLag()));
    }

    private static ProcessHandle postmaster(PostgresNode node) throws Exception {
        String pid = java.nio.file.Files.readAllLines(node.dataDir().resolve("postmaster.pid")).getFirst().strip();
        return ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
    }

    /**
     * {@code kill -signal} to one process; a process that has exited is fine (a clean-clone run once failed here when
     * one backend of the list exited before {@code kill -STOP} of the whole list, which left the rest stopped).
     */
    private static void signal(String signal, ProcessHandle process) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
            assertThat(exit == 0 || !process.isAlive()).as("kill -%s %d exit status %d", signal, process.pid(), exit)
                    .isTrue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(5)
    void aCrashRestartOfThePrimaryIsNoticedAndThePrimaryReturnsWithoutFencing() throws Exception {
        int heard = changes.size();
        String pid = primary.queryString("select pid from pg_stat_activity where application_name ="
                + " 'tidepool-monitor'");
        // kill -9 of one backend: the postmaster crash-restarts every backend (RELIABILITY case 37)
        ProcessHandle.of(Long.parseLong(pid)).orElseThrow().destroyForcibly();
        long killed = System.nanoTime();
        awaitTopology("primary lost", t -> t.primary().isEmpty());
        awaitTopology("primary back", t -> t.primary().equals(java.util.Optional.of(p)));
        System.out.printf("crash-restart of one backend: primary back after %d ms%n", ms(System.nanoTime() - killed));
        assertThat(changes.subList(heard, changes.size())).anyMatch(c -> c.current().primary().isEmpty());

        // pg_ctl restart -m fast (case 43): the same primary, re-admitted automatically since nobody replaced it
        long restart = System.nanoTime();
        primary.restart(StopMode.FAST);
        awaitTopology("primary back after restart", t -> t.primary().equals(java.util.Optional.of(p)));
        System.out.printf("restart -m fast: primary back %d ms after the restart began%n",
                ms(System.nanoTime() - restart));
        assertThat(monitor.fencingEvents()).isZero();
    }

    @Test
    @Order(6)
    void failoverKillPrimaryPromoteStandbyThenTheOldPrimaryReturnsFenced() throws Exception {
        awaitTopology("healthy", t -> t.primary().isPresent() && t.hostsIn(HostRole.STANDBY).size() == 2);
        long killed = System.nanoTime();
        primary.kill9();
        awaitTopology("primary lost", t -> t.primary().isEmpty());
        long lost = System.nanoTime();
        System.out.printf("kill -9 of the primary: writes stopped %d ms after kill -9 began%n", ms(lost - killed));
        CompletableFuture<Host> waiter = monitor.whenPrimary(WAIT);
        var detected = new CompletableFuture<Long>();
        monitor.addListener(c -> {
            if (c.primary().equals(java.util.Optional.of(s1))) {
                detected.complete(System.nanoTime());
            }
        });
        long promoting = System.nanoTime();
        standby1.promote();                              // pg_ctl promote -w, then polls pg_is_in_recovery()
        long promoted = System.nanoTime();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(s1);
        long seen = detected.get(30, TimeUnit.SECONDS);
        System.out.printf("promotion: pg_ctl promote took %d ms; the monitor published the new primary %d ms after"
                + " the promote began (%d ms after it returned)%n", ms(promoted - promoting), ms(seen - promoting),
                ms(seen - promoted));
        assertThat(status(s1).timeline()).isEqualTo(2);
        assertThat(status(p).role()).isEqualTo(HostRole.DOWN);
        assertThat(changes).anyMatch(c -> c.closeServerConnections().contains(p));
        assertThat(changes).anyMatch(c -> c.closeServerConnections().contains(s1));
        standby2.follow(standby1);
        awaitTopology("standby2 follows", t -> t.status(s2).orElseThrow().readable(CONFIG.maxStandbyLag()));

        // The old primary is started again on its own data directory (no standby.signal): it claims primary.
        primary.start();
        awaitTopology("old primary fenced", t -> t.status(p).orElseThrow().role() == HostRole.FENCED);
        System.out.println("fenced: " + status(p));
        assertThat(status(p).reported()).isEqualTo(HostRole.PRIMARY);
        assertThat(status(p).timeline()).isEqualTo(1);
        assertThat(monitor.topology().primary()).contains(s1);
        assertThat(monitor.fencingEvents()).isEqualTo(1);
        long checks = status(p).checks();
        Poll.until(WAIT, () -> status(p).checks() >= checks + 5, () -> "no further checks of " + p);
        assertThat(status(p).role()).isEqualTo(HostRole.FENCED);   // never re-admitted on its own

        // readmit while the promoted host is primary on a newer timeline: the timeline rule fences it again
        assertThat(monitor.readmit(p)).isTrue();
        assertThat(status(p).role()).isEqualTo(HostRole.FENCED);
        assertThat(status(p).fenceReason()).contains("timeline 1", "newer timeline 2").doesNotContain("former primary");
        assertThat(monitor.topology().primary()).contains(s1);

        // the new primary goes away for good; the old one stays fenced until an operator re-admits it
        standby1.stop(StopMode.IMMEDIATE);
        awaitTopology("s1 down", t -> t.status(s1).orElseThrow().role() == HostRole.DOWN);
        assertThat(monitor.topology().primary()).isEmpty();
        assertThat(monitor.readmit(p)).isTrue();
        awaitTopology("old primary re-admitted", t -> t.primary().equals(java.util.Optional.of(p)));
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
