package io.tidepool.routing.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.routing.RoutingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PauseDetectorTest {
    private static final long MS = 1_000_000L;

    @Test
    void aStartLaterThanTheIntervalIsAPause() {
        var d = PauseDetector.of(RoutingConfig.parse(Map.of("check_interval", "1", "check_timeout", "2"), w -> { }));
        assertThat(d.lateStart(0, 999 * MS)).isEmpty();
        assertThat(d.lateStart(0, 1001 * MS)).contains("check started 1001 ms after its schedule");
    }

    @Test
    void shortIntervalsKeepAFloorAgainstSchedulingNoise() {
        var d = PauseDetector.of(RoutingConfig.parse(Map.of("check_interval", "0.1"), w -> { }));
        assertThat(d.lateStart(0, 150 * MS)).isEmpty();
        assertThat(d.lateStart(0, 250 * MS)).isPresent();
    }

    @Test
    void aCheckRunningFarPastItsTimeoutIsAPause() {
        var d = new PauseDetector(1000 * MS, 2000 * MS);
        assertThat(d.slowCheck(0, 2900 * MS)).isEmpty();
        assertThat(d.slowCheck(0, 3100 * MS)).contains("check took 3100 ms (timeout 2000 ms)");
    }
}
