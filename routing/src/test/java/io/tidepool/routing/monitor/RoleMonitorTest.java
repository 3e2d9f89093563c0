package io.tidepool.routing.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostStatus;
import io.tidepool.routing.RoutingConfig;
import io.tidepool.routing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The monitor thread's mechanics with a fake probe: the timeout watchdog and on-demand rechecks. */
class RoleMonitorTest {
    private static final Host H = new Host("pg1", 5432);

    @Test
    void aCheckThatDoesNotAnswerWithinTheTimeoutFailsAndDropsTheConnection() {
        var config = RoutingConfig.parse(Map.of("check_timeout", "100ms"), w -> { });
        var probe = new FakeProbe().sleep(30_000);
        var watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            var statuses = new java.util.ArrayList<HostStatus>();
            var monitor = new RoleMonitor(H, config, probe, MonitorClock.SYSTEM, watchdog, new RoleMonitor.Sink() {
                @Override
                public void onStatus(HostStatus status, long checkStartNanos) {
                    statuses.add(status);
                }

                @Override
                public void onPause(Host host, String reason) {
                }
            });
            long start = System.nanoTime();
            HostStatus status = monitor.check(start);
            System.out.printf("watchdog ended a hung check after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(status.reachable()).isFalse();
            assertThat(status.lastError()).isEqualTo("no answer within check_timeout (100 ms)");
            assertThat(probe.closes.get()).isEqualTo(1);
            assertThat(statuses).containsExactly(status);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            watchdog.shutdownNow();
        }
    }

    @Test
    void recheckNowRunsACheckLongBeforeTheInterval() {
        var config = RoutingConfig.parse(Map.of("check_interval", "600"), w -> { });
        var probe = new FakeProbe();
        try (var monitor = TopologyMonitor.start("recheck", List.of(H), config, h -> probe, MonitorClock.SYSTEM)) {
            Poll.until(Duration.ofSeconds(10), () -> probe.checks.get() == 1, () -> "no first check");
            for (int i = 0; i < 20; i++) {
                monitor.recheckNow(H);                 // a burst of requests is folded
            }
            // The probe counts a check when it starts; the topology publishes it when it ends: wait for that.
            Poll.until(Duration.ofSeconds(10), () -> probe.checks.get() >= 2
                    && monitor.topology().status(H).map(s -> s.checks() >= 2).orElse(false), () -> "no recheck published");
        }
        assertThat(probe.closes.get()).isEqualTo(1);
    }
}
