package io.tidepool.routing;

import static io.tidepool.routing.Statuses.H1;
import static io.tidepool.routing.Statuses.H2;
import static io.tidepool.routing.Statuses.H3;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {
    private static final long LEASE = Duration.ofSeconds(4).toNanos();

    @Test
    void primaryIsTheSoleReachablePrimary() {
        var t = Topology.of(1, List.of(Statuses.primary(H1, 1), Statuses.standby(H2)), false, LEASE);
        assertThat(t.primary()).contains(H1);
        assertThat(t.hostsIn(HostRole.STANDBY)).containsExactly(H2);
    }

    @Test
    void noPrimaryWhenNoneAmbiguousUnreachableOrStale() {
        assertThat(Topology.of(1, List.of(Statuses.standby(H1), Statuses.standby(H2)), false, LEASE).primary())
                .isEmpty();
        assertThat(Topology.of(1, List.of(Statuses.primary(H1, 2), Statuses.primary(H2, 2)), false, LEASE)
                .primary()).isEmpty();
        assertThat(Topology.of(1, List.of(Statuses.unreachable(Statuses.primary(H1, 1))), false, LEASE).primary())
                .isEmpty();
        assertThat(Topology.of(1, List.of(Statuses.primary(H1, 1)), true, LEASE).primary()).isEmpty();
        assertThat(Topology.initial(List.of(H1, H2), LEASE).primary()).isEmpty();
    }

    @Test
    void writeHostRefusesAPrimaryOlderThanTheLease() {
        long verified = 1_000_000_000L;
        var t = Topology.of(1, List.of(Statuses.primary(H1, 1, 100, verified)), false, LEASE);
        assertThat(t.writeHost(verified + LEASE)).contains(H1);
        assertThat(t.writeHost(verified + LEASE + 1)).isEmpty();
    }

    @Test
    void standbyLagIsMeasuredAgainstThePrimaryAndFiltersReads() {
        var t = Topology.of(1, List.of(
                Statuses.primary(H1, 1, 10_000, 0),
                Statuses.standby(H2, 1, 10_000, 9_500, Duration.ZERO),
                Statuses.standby(H3, 1, 10_000, 2_000, Duration.ofSeconds(3))), false, LEASE);
        assertThat(t.status(H2).orElseThrow().lagBytes()).isEqualTo(500);
        assertThat(t.status(H3).orElseThrow().lagBytes()).isEqualTo(8_000);
        assertThat(t.standbys(new LagLimit(1_000, Duration.ZERO))).extracting(HostStatus::host).containsExactly(H2);
        assertThat(t.standbys(new LagLimit(0, Duration.ofSeconds(5)))).extracting(HostStatus::host)
                .containsExactly(H2, H3);
        assertThat(t.standbys(new LagLimit(0, Duration.ofSeconds(1)))).extracting(HostStatus::host)
                .containsExactly(H2);
        assertThat(t.standbys(LagLimit.NONE)).hasSize(2);
    }

    @Test
    void withoutAPrimaryLagIsMeasuredAgainstTheFurthestReceivedPosition() {
        var t = Topology.of(1, List.of(Statuses.down(H1, HostRole.PRIMARY),
                Statuses.standby(H2, 1, 7_000, 7_000, Duration.ZERO),
                Statuses.standby(H3, 1, 6_000, 5_000, Duration.ZERO)), false, LEASE);
        assertThat(t.status(H2).orElseThrow().lagBytes()).isZero();
        assertThat(t.status(H3).orElseThrow().lagBytes()).isEqualTo(2_000);
    }

    @Test
    void standbyAheadOfThePrimarysLastCheckHasZeroLag() {
        var t = Topology.of(1, List.of(Statuses.primary(H1, 1, 5_000, 0),
                Statuses.standby(H2, 1, 6_000, 6_000, Duration.ZERO)), false, LEASE);
        assertThat(t.status(H2).orElseThrow().lagBytes()).isZero();
    }

    @Test
    void degradedWhenOnlyThePrimaryIsLeft() {
        var healthy = Topology.of(1, List.of(Statuses.primary(H1, 1), Statuses.standby(H2)), false, LEASE);
        var degraded = Topology.of(2, List.of(Statuses.primary(H1, 1), Statuses.down(H2, HostRole.STANDBY)), false,
                LEASE);
        var noPrimary = Topology.of(3, List.of(Statuses.down(H1, HostRole.PRIMARY), Statuses.standby(H2)), false,
                LEASE);
        assertThat(healthy.degraded()).isFalse();
        assertThat(degraded.degraded()).isTrue();
        assertThat(noPrimary.degraded()).isFalse();
    }

    @Test
    void hostParsesAndPrintsIpv6() {
        assertThat(Host.parse("[::1]:5433")).isEqualTo(new Host("::1", 5433));
        assertThat(new Host("::1", 5433).toString()).isEqualTo("[::1]:5433");
        assertThat(Host.parse("pg1:5432")).isEqualTo(new Host("pg1", 5432));
    }

    @Test
    void lsnFormatsAsPostgresDoes() {
        assertThat(HostStatus.formatLsn(0x16_B374D848L)).isEqualTo("16/B374D848");
        assertThat(HostStatus.formatLsn(0)).isEqualTo("0/0");
    }
}
