package io.tidepool.routing.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HostTrackerTest {
    private static final Host H = new Host("pg1", 5432);
    private static final ProbeResult PRIMARY = ProbeResult.primary(3, 5000);
    private static final ProbeResult STANDBY = ProbeResult.standby(3, 5000, 4000, java.time.Duration.ZERO);

    @Test
    void theFirstCheckDecidesAlone() {
        assertThat(new HostTracker(H, 3, 3).onSuccess(PRIMARY, 1, Instant.EPOCH).role()).isEqualTo(HostRole.PRIMARY);
        assertThat(new HostTracker(H, 3, 3).onFailure("refused", 1, Instant.EPOCH).role()).isEqualTo(HostRole.DOWN);
    }

    @Test
    void fallConsecutiveFailuresMakeAHostDownAndItKeepsItsRoleUnreachableBefore() {
        var t = new HostTracker(H, 2, 3);
        t.onSuccess(PRIMARY, 1, Instant.EPOCH);
        var first = t.onFailure("timeout", 2, Instant.EPOCH);
        assertThat(first.role()).isEqualTo(HostRole.PRIMARY);
        assertThat(first.reachable()).isFalse();
        assertThat(first.verifiedNanos()).isEqualTo(1);
        assertThat(first.lastError()).isEqualTo("timeout");
        assertThat(t.onFailure("timeout", 3, Instant.EPOCH).role()).isEqualTo(HostRole.PRIMARY);
        assertThat(t.onFailure("timeout", 4, Instant.EPOCH).role()).isEqualTo(HostRole.DOWN);
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        var t = new HostTracker(H, 2, 2);
        t.onSuccess(STANDBY, 1, Instant.EPOCH);
        t.onFailure("x", 2, Instant.EPOCH);
        t.onSuccess(STANDBY, 3, Instant.EPOCH);
        assertThat(t.onFailure("x", 4, Instant.EPOCH).role()).isEqualTo(HostRole.STANDBY);
    }

    @Test
    void riseConsecutiveSuccessesBringADownHostBack() {
        var t = new HostTracker(H, 2, 1);
        t.onSuccess(STANDBY, 1, Instant.EPOCH);
        t.onFailure("x", 2, Instant.EPOCH);
        var once = t.onSuccess(STANDBY, 3, Instant.EPOCH);
        assertThat(once.role()).isEqualTo(HostRole.DOWN);
        assertThat(once.reachable()).isTrue();
        assertThat(once.reported()).isEqualTo(HostRole.STANDBY);
        assertThat(t.onSuccess(STANDBY, 4, Instant.EPOCH).role()).isEqualTo(HostRole.STANDBY);
    }

    @Test
    void aReportedRoleChangeOfAnUpHostAppliesAtOnce() {
        var t = new HostTracker(H, 5, 5);
        t.onSuccess(STANDBY, 1, Instant.EPOCH);
        assertThat(t.onSuccess(PRIMARY, 2, Instant.EPOCH).role()).isEqualTo(HostRole.PRIMARY);
    }
}
