package io.tidepool.routing.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.routing.RoutingConfig;
import io.tidepool.routing.TopologyChange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The monitor's combining, fencing, pause and waiting logic, driven check by check with fake probes. */
class TopologyMonitorTest {
    private static final Host H1 = new Host("pg1", 5432);
    private static final Host H2 = new Host("pg2", 5432);
    private static final Host H3 = new Host("pg3", 5432);
    private static final RoutingConfig CONFIG = RoutingConfig.parse(Map.of("check_interval", "1",
            "check_timeout", "2", "rise", "2", "fall", "2"), w -> { });

    private final VirtualClock clock = new VirtualClock();
    private final Map<Host, FakeProbe> probes = Map.of(
            H1, new FakeProbe().answer(ProbeResult.primary(1, 10_000)),
            H2, new FakeProbe().answer(ProbeResult.standby(1, 10_000, 10_000, Duration.ZERO)),
            H3, new FakeProbe().answer(ProbeResult.standby(1, 10_000, 9_000, Duration.ZERO)));
    private final List<TopologyChange> changes = new CopyOnWriteArrayList<>();
    private TopologyMonitor monitor;

    @BeforeEach
    void setUp() {
        monitor = TopologyMonitor.manual("test", List.of(H1, H2, H3), CONFIG, probes::get, clock);
        monitor.addListener(changes::add);
    }

    @AfterEach
    void tearDown() {
        monitor.close();
    }

    /** One round: every host checked once, on time. */
    private void round() {
        for (Host h : List.of(H1, H2, H3)) {
            monitor.monitor(h).check(clock.nanoTime());
        }
    }

    @Test
    void publishesRolesAndNotifiesOnlyRoutingRelevantChanges() {
        round();
        var t = monitor.topology();
        assertThat(t.primary()).contains(H1);
        assertThat(t.hostsIn(HostRole.STANDBY)).containsExactly(H2, H3);
        assertThat(t.status(H3).orElseThrow().lagBytes()).isEqualTo(1_000);
        assertThat(changes).isNotEmpty();
        assertThat(changes.getLast().current()).isSameAs(t);
        int heard = changes.size();
        probes.get(H1).answer(ProbeResult.primary(1, 20_000));
        clock.advance(Duration.ofSeconds(1));
        round();
        assertThat(monitor.topology().version()).isGreaterThan(t.version());
        assertThat(monitor.topology().status(H1).orElseThrow().walLsn()).isEqualTo(20_000);
        assertThat(changes).hasSize(heard);            // WAL progress alone is not announced
    }

    @Test
    void aPauseMakesTheTopologyStaleUntilEveryHostIsCheckedAgain() {
        round();
        long scheduled = clock.nanoTime() + Duration.ofSeconds(1).toNanos();
        clock.advance(Duration.ofSeconds(30));          // the pooler was frozen (SIGSTOP, GC, VM)
        monitor.monitor(H1).check(scheduled);
        assertThat(monitor.topology().stale()).isTrue();
        assertThat(monitor.topology().primary()).isEmpty();
        assertThat(changes.getLast().primary()).isEmpty();
        // H1's next check alone does not re-validate: H2 and H3 may have changed while we slept.
        monitor.monitor(H1).check(clock.nanoTime());
        assertThat(monitor.topology().primary()).isEmpty();
        monitor.monitor(H2).check(clock.nanoTime());
        monitor.monitor(H3).check(clock.nanoTime());
        assertThat(monitor.topology().stale()).isFalse();
        assertThat(monitor.topology().primary()).contains(H1);
    }

    @Test
    void writeHostHonoursTheLeaseOnTheMonotonicClock() {
        round();
        assertThat(monitor.topology().writeHost(clock.nanoTime())).contains(H1);
        clock.advance(CONFIG.writeLease().plusMillis(1));
        assertThat(monitor.topology().primary()).contains(H1);
        assertThat(monitor.topology().writeHost(clock.nanoTime())).isEmpty();
    }

    @Test
    void failoverFencingAndReadmission() throws Exception {
        round();
        var waiting = monitor.whenPrimary(Duration.ofMinutes(1));
        assertThat(waiting).isCompletedWithValue(H1);

        // The primary dies: its first failed check already stops writes; fall=2 makes it DOWN.
        probes.get(H1).fail("connection refused");
        monitor.monitor(H1).check(clock.nanoTime());
        assertThat(monitor.topology().primary()).isEmpty();
        assertThat(monitor.topology().status(H1).orElseThrow().role()).isEqualTo(HostRole.PRIMARY);
        monitor.monitor(H1).check(clock.nanoTime());
        assertThat(monitor.topology().status(H1).orElseThrow().role()).isEqualTo(HostRole.DOWN);
        var change = changes.getLast();
        assertThat(change.closeServerConnections()).containsExactly(H1);

        var waiter = monitor.whenPrimary(Duration.ofMinutes(1));
        assertThat(waiter).isNotDone();
        // H2 is promoted (timeline 2): the waiter gets it.
        probes.get(H2).answer(ProbeResult.primary(2, 12_000));
        monitor.monitor(H2).check(clock.nanoTime());
        assertThat(waiter.get()).isEqualTo(H2);
        assertThat(changes.getLast().closeServerConnections()).containsExactly(H2);

        // The old primary comes back as a primary: fenced, counted, no traffic.
        probes.get(H1).answer(ProbeResult.primary(1, 10_500));
        monitor.monitor(H1).check(clock.nanoTime());
        monitor.monitor(H1).check(clock.nanoTime());
        assertThat(monitor.topology().status(H1).orElseThrow().role()).isEqualTo(HostRole.FENCED);
        assertThat(monitor.topology().primary()).contains(H2);
        assertThat(monitor.fencingEvents()).isEqualTo(1);
        assertThat(changes.getLast().newlyFenced()).containsExactly(H1);

        // Re-admitting it while H2 is primary on a newer timeline fences it again.
        assertThat(monitor.readmit(H1)).isTrue();
        assertThat(monitor.topology().status(H1).orElseThrow().role()).isEqualTo(HostRole.FENCED);
        assertThat(monitor.fencingEvents()).isEqualTo(2);

        // With H2 gone, it stays fenced until the operator re-admits it; then it is the primary.
        probes.get(H2).fail("connection refused");
        monitor.monitor(H2).check(clock.nanoTime());
        monitor.monitor(H2).check(clock.nanoTime());
        monitor.monitor(H1).check(clock.nanoTime());
        assertThat(monitor.topology().primary()).isEmpty();
        assertThat(monitor.readmit(H1)).isTrue();
        assertThat(monitor.topology().primary()).contains(H1);
        assertThat(monitor.readmit(H1)).isFalse();
    }

    @Test
    void whenPrimaryTimesOut() {
        probes.get(H1).fail("connection refused");
        round();
        var waiter = monitor.whenPrimary(Duration.ofMillis(20));
        assertThatThrownBy(waiter::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        monitor.addListener(change -> {
            throw new IllegalStateException("listener bug");
        });
        var after = new CopyOnWriteArrayList<TopologyChange>();
        monitor.addListener(after::add);
        round();
        assertThat(after).isNotEmpty();
        assertThat(monitor.topology().primary()).contains(H1);
    }

    @Test
    void unknownHostsAreRejected() {
        var stranger = new Host("elsewhere", 5432);
        assertThatThrownBy(() -> monitor.recheckNow(stranger)).hasMessageStartingWith("host: elsewhere:5432");
        assertThatThrownBy(() -> monitor.readmit(stranger)).hasMessageStartingWith("host: elsewhere:5432");
    }
}
