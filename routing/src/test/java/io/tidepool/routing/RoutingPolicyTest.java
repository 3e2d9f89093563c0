package io.tidepool.routing;

import static io.tidepool.routing.Statuses.H1;
import static io.tidepool.routing.Statuses.H2;
import static io.tidepool.routing.Statuses.H3;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {
    private static final long LEASE = Duration.ofSeconds(4).toNanos();
    private static final Topology HEALTHY = Topology.of(1, List.of(
            Statuses.primary(H1, 1, 10_000, 0),
            Statuses.standby(H2, 1, 10_000, 9_000, Duration.ZERO),
            Statuses.standby(H3, 1, 10_000, 9_900, Duration.ZERO)), false, LEASE);

    private static RoutingPolicy policy(StandbyBalance balance, LagLimit limit, boolean fallback) {
        return new RoutingPolicy(balance, limit, fallback, new SplittableRandom(7));
    }

    @Test
    void writesGoToThePrimaryOnlyAndNowhereWithoutOne() {
        var p = policy(StandbyBalance.ROUND_ROBIN, LagLimit.NONE, true);
        assertThat(p.writeHost(HEALTHY)).contains(H1);
        assertThat(p.candidates(HEALTHY, TargetSessionAttrs.READ_WRITE)).containsExactly(H1);
        var noPrimary = Topology.of(2, List.of(Statuses.down(H1, HostRole.PRIMARY), Statuses.standby(H2)), false,
                LEASE);
        assertThat(p.writeHost(noPrimary)).isEmpty();
        assertThat(p.candidates(noPrimary, TargetSessionAttrs.PRIMARY)).isEmpty();
    }

    @Test
    void roundRobinAlternatesBetweenStandbys() {
        var p = policy(StandbyBalance.ROUND_ROBIN, LagLimit.NONE, false);
        Map<Host, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            counts.merge(p.readHost(HEALTHY).orElseThrow(), 1, Integer::sum);
        }
        assertThat(counts).containsOnly(Map.entry(H2, 5), Map.entry(H3, 5));
    }

    @Test
    void leastLagPrefersTheStandbyFurthestAhead() {
        var p = policy(StandbyBalance.LEAST_LAG, LagLimit.NONE, false);
        assertThat(p.candidates(HEALTHY, TargetSessionAttrs.STANDBY)).containsExactly(H3, H2);
    }

    @Test
    void randomUsesBothStandbys() {
        var p = policy(StandbyBalance.RANDOM, LagLimit.NONE, false);
        var seen = new ArrayList<Host>();
        for (int i = 0; i < 50; i++) {
            seen.add(p.readHost(HEALTHY).orElseThrow());
        }
        assertThat(seen).contains(H2, H3).doesNotContain(H1);
    }

    @Test
    void aStandbyOverTheLagLimitGetsNoReads() {
        var p = policy(StandbyBalance.ROUND_ROBIN, new LagLimit(500, Duration.ZERO), false);
        for (int i = 0; i < 4; i++) {
            assertThat(p.candidates(HEALTHY, TargetSessionAttrs.READ_ONLY)).containsExactly(H3);
        }
    }

    @Test
    void readFallbackToPrimaryIsConfigurable() {
        var allLagging = new LagLimit(10, Duration.ZERO);
        assertThat(policy(StandbyBalance.ROUND_ROBIN, allLagging, false).readHost(HEALTHY)).isEmpty();
        assertThat(policy(StandbyBalance.ROUND_ROBIN, allLagging, true).readHost(HEALTHY)).contains(H1);
        // prefer-standby always falls back; with standbys available the primary comes last
        assertThat(policy(StandbyBalance.LEAST_LAG, allLagging, false)
                .candidates(HEALTHY, TargetSessionAttrs.PREFER_STANDBY)).containsExactly(H1);
        assertThat(policy(StandbyBalance.LEAST_LAG, LagLimit.NONE, false)
                .candidates(HEALTHY, TargetSessionAttrs.PREFER_STANDBY)).containsExactly(H3, H2, H1);
    }

    @Test
    void anySpreadsOverPrimaryAndStandbys() {
        var p = policy(StandbyBalance.ROUND_ROBIN, LagLimit.NONE, false);
        var firsts = new ArrayList<Host>();
        for (int i = 0; i < 3; i++) {
            firsts.add(p.pick(HEALTHY, TargetSessionAttrs.ANY).orElseThrow());
        }
        assertThat(firsts).containsExactlyInAnyOrder(H1, H2, H3);
    }

    @Test
    void targetSessionAttrsParseLibpqSpellings() {
        assertThat(TargetSessionAttrs.parse("prefer-standby")).isEqualTo(TargetSessionAttrs.PREFER_STANDBY);
        assertThat(TargetSessionAttrs.parse("Read-Write").needsPrimary()).isTrue();
        assertThat(TargetSessionAttrs.READ_ONLY.configName()).isEqualTo("read-only");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TargetSessionAttrs.parse("writable"))
                .hasMessageContaining("target_session_attrs: \"writable\" (expected:");
    }
}
