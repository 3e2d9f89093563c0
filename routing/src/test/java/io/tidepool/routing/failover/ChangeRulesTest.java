package io.tidepool.routing.failover;

import static io.tidepool.routing.Statuses.H1;
import static io.tidepool.routing.Statuses.H2;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.routing.HostRole;
import io.tidepool.routing.LagLimit;
import io.tidepool.routing.Statuses;
import io.tidepool.routing.Topology;
import io.tidepool.routing.TopologyChange.RoleChange;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeRulesTest {
    private static final long LEASE = 1_000_000_000L;

    @Test
    void promotionClosesTheConnectionsOfEveryHostThatChangedRole() {
        var before = Topology.of(1, List.of(Statuses.primary(H1, 1), Statuses.standby(H2)), false, LEASE);
        var after = Topology.of(2, List.of(Statuses.down(H1, HostRole.PRIMARY), Statuses.primary(H2, 2)), false,
                LEASE);
        var change = ChangeRules.between(before, after, LagLimit.NONE).orElseThrow();
        assertThat(change.roleChanges()).containsExactly(new RoleChange(H1, HostRole.PRIMARY, HostRole.DOWN),
                new RoleChange(H2, HostRole.STANDBY, HostRole.PRIMARY));
        assertThat(change.closeServerConnections()).containsExactlyInAnyOrder(H1, H2);
        assertThat(change.primaryChanged()).isTrue();
        assertThat(change.primary()).contains(H2);
    }

    @Test
    void fencingIsReportedAndClosesConnections() {
        var before = Topology.of(1, List.of(Statuses.primary(H1, 2), Statuses.standby(H2)), false, LEASE);
        var after = Topology.of(2, List.of(Statuses.primary(H1, 2), Statuses.standby(H2).fenced("test")), false,
                LEASE);
        var change = ChangeRules.between(before, after, LagLimit.NONE).orElseThrow();
        assertThat(change.newlyFenced()).containsExactly(H2);
        assertThat(change.closeServerConnections()).containsExactly(H2);
        assertThat(change.primaryChanged()).isFalse();
    }

    @Test
    void walProgressAloneIsNotAChange() {
        var before = Topology.of(1, List.of(Statuses.primary(H1, 1, 1000, 0),
                Statuses.standby(H2, 1, 1000, 1000, Duration.ZERO)), false, LEASE);
        var after = Topology.of(2, List.of(Statuses.primary(H1, 1, 2000, 5),
                Statuses.standby(H2, 1, 1900, 1900, Duration.ZERO)), false, LEASE);
        assertThat(ChangeRules.between(before, after, new LagLimit(1000, Duration.ZERO))).isEmpty();
    }

    @Test
    void aStandbyCrossingTheLagLimitIsAChangeWithoutClosing() {
        var before = Topology.of(1, List.of(Statuses.primary(H1, 1, 1000, 0),
                Statuses.standby(H2, 1, 1000, 1000, Duration.ZERO)), false, LEASE);
        var after = Topology.of(2, List.of(Statuses.primary(H1, 1, 90_000, 0),
                Statuses.standby(H2, 1, 90_000, 1000, Duration.ZERO)), false, LEASE);
        var change = ChangeRules.between(before, after, new LagLimit(1000, Duration.ZERO)).orElseThrow();
        assertThat(change.roleChanges()).isEmpty();
        assertThat(change.closeServerConnections()).isEmpty();
    }

    @Test
    void stalenessIsAChange() {
        var fresh = Topology.of(1, List.of(Statuses.primary(H1, 1)), false, LEASE);
        var stale = Topology.of(2, List.of(Statuses.primary(H1, 1)), true, LEASE);
        var change = ChangeRules.between(fresh, stale, LagLimit.NONE).orElseThrow();
        assertThat(change.primary()).isEmpty();
        assertThat(change.closeServerConnections()).isEmpty();
    }
}
