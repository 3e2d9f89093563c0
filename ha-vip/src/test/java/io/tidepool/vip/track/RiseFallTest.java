package io.tidepool.vip.track;

import static io.tidepool.vip.track.CheckStatus.FAILED;
import static io.tidepool.vip.track.CheckStatus.OK;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** keepalived vrrp_script rise/fall semantics (VRRP-NOTES §3; RELIABILITY case 56). */
class RiseFallTest {
    @Test
    void firstResultDecides() {
        assertThat(new RiseFall(3, 3).record(true)).isEqualTo(OK);
        assertThat(new RiseFall(3, 3).record(false)).isEqualTo(FAILED);
    }

    @Test
    void needsFallConsecutiveFailuresAndRiseConsecutiveSuccesses() {
        var rf = new RiseFall(2, 3);
        rf.record(true);
        assertThat(rf.record(false)).isEqualTo(OK);
        assertThat(rf.record(false)).isEqualTo(OK);
        assertThat(rf.record(false)).isEqualTo(FAILED);
        assertThat(rf.record(true)).isEqualTo(FAILED);
        assertThat(rf.record(true)).isEqualTo(OK);
    }

    @Test
    void alternatingResultsDoNotFlapWithRiseAndFallAboveOne() {
        var rf = new RiseFall(2, 2);
        rf.record(true);
        int changes = 0;
        CheckStatus last = OK;
        for (int i = 0; i < 100; i++) {
            CheckStatus s = rf.record(i % 2 == 0);
            if (s != last) {
                changes++;
                last = s;
            }
        }
        assertThat(changes).isZero();
    }
}
