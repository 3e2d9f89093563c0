package io.tidepool.routing.failover;

import static io.tidepool.routing.Statuses.H1;
import static io.tidepool.routing.Statuses.H2;
import static io.tidepool.routing.Statuses.H3;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.routing.HostRole;
import io.tidepool.routing.HostStatus;
import io.tidepool.routing.Statuses;
import io.tidepool.routing.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

class FencingRulesTest {

    private static Topology topology(FencingRules.Verdict verdict) {
        return Topology.of(1, verdict.statuses(), false, 1_000_000_000L);
    }

    @Test
    void twoPrimariesWritesGoToTheNewerTimelineAndTheOtherIsFenced() {
        var verdict = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.primary(H2, 2),
                Statuses.standby(H3)), FenceBook.EMPTY);
        assertThat(topology(verdict).primary()).contains(H2);
        assertThat(verdict.statuses().getFirst().role()).isEqualTo(HostRole.FENCED);
        assertThat(verdict.statuses().getFirst().fenceReason())
                .isEqualTo("claims primary on timeline 1 while 10.0.0.2:5432 is on newer timeline 2");
        assertThat(verdict.newlyFenced()).containsOnlyKeys(H1);
        assertThat(verdict.book().lastPrimary()).isEqualTo(H2);
    }

    @Test
    void twoPrimariesOnTheSameTimelineFenceBothAndLeaveNoPrimary() {
        var verdict = FencingRules.apply(List.of(Statuses.primary(H1, 2), Statuses.primary(H2, 2)),
                FenceBook.EMPTY);
        assertThat(topology(verdict).primary()).isEmpty();
        assertThat(verdict.statuses()).extracting(HostStatus::role).containsOnly(HostRole.FENCED);
        assertThat(verdict.newlyFenced().get(H1)).startsWith("split brain: 10.0.0.1:5432, 10.0.0.2:5432");
    }

    @Test
    void aFencedHostStaysFencedWhateverItReportsUntilReadmitted() {
        var first = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.primary(H2, 2)), FenceBook.EMPTY);
        // H2 goes down; H1 is still up as a primary: it must not get writes.
        var second = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.down(H2, HostRole.PRIMARY)),
                first.book());
        assertThat(topology(second).primary()).isEmpty();
        assertThat(second.statuses().getFirst().role()).isEqualTo(HostRole.FENCED);
        assertThat(second.newlyFenced()).isEmpty();
        // ... even when it becomes a standby
        var third = FencingRules.apply(List.of(Statuses.standby(H1), Statuses.down(H2, HostRole.PRIMARY)),
                second.book());
        assertThat(third.statuses().getFirst().role()).isEqualTo(HostRole.FENCED);
        // The operator re-admits it: now it is the sole primary claimant.
        var readmitted = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.down(H2, HostRole.PRIMARY)),
                second.book().readmit(H1));
        assertThat(topology(readmitted).primary()).contains(H1);
    }

    @Test
    void aFailedPrimaryThatComesBackAfterAFailoverIsFencedNotReadmitted() {
        var book = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.standby(H2)), FenceBook.EMPTY)
                .book();
        // H1 dies; no primary.
        var down = FencingRules.apply(List.of(Statuses.down(H1, HostRole.PRIMARY), Statuses.standby(H2)), book);
        assertThat(topology(down).primary()).isEmpty();
        // H2 is promoted.
        var promoted = FencingRules.apply(List.of(Statuses.down(H1, HostRole.PRIMARY), Statuses.primary(H2, 2)),
                down.book());
        assertThat(topology(promoted).primary()).contains(H2);
        assertThat(promoted.book().superseded()).containsExactly(H1);
        // H2 dies too, and H1 comes back as a primary: still not re-admitted (stale data, lost diagnostics).
        var back = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.down(H2, HostRole.PRIMARY)),
                promoted.book());
        assertThat(topology(back).primary()).isEmpty();
        assertThat(back.newlyFenced().get(H1)).startsWith("former primary came back as a primary after 10.0.0.2");
        // readmit is the only way back
        var readmitted = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.down(H2, HostRole.PRIMARY)),
                back.book().readmit(H1));
        assertThat(topology(readmitted).primary()).contains(H1);
    }

    @Test
    void aPrimaryThatRestartsWithoutBeingReplacedIsThePrimaryAgain() {
        var book = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.standby(H2)), FenceBook.EMPTY)
                .book();
        var down = FencingRules.apply(List.of(Statuses.down(H1, HostRole.PRIMARY), Statuses.standby(H2)), book);
        var back = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.standby(H2)), down.book());
        assertThat(topology(back).primary()).contains(H1);
        assertThat(back.newlyFenced()).isEmpty();
    }

    @Test
    void aReplacedPrimaryThatRejoinsAsStandbyMayBePromotedLater() {
        var book = FencingRules.apply(List.of(Statuses.primary(H1, 1), Statuses.standby(H2)), FenceBook.EMPTY)
                .book();
        book = FencingRules.apply(List.of(Statuses.down(H1, HostRole.PRIMARY), Statuses.primary(H2, 2)), book)
                .book();
        // H1 rebuilt (pg_rewind / basebackup) and following H2: a standby, superseded mark dropped.
        var rejoined = FencingRules.apply(List.of(Statuses.standby(H1), Statuses.primary(H2, 2)), book);
        assertThat(rejoined.statuses().getFirst().role()).isEqualTo(HostRole.STANDBY);
        assertThat(rejoined.book().superseded()).isEmpty();
        // planned switchback: H2 shut down, H1 promoted to timeline 3
        var switchback = FencingRules.apply(List.of(Statuses.primary(H1, 3), Statuses.down(H2, HostRole.PRIMARY)),
                rejoined.book());
        assertThat(topology(switchback).primary()).contains(H1);
        assertThat(switchback.book().superseded()).containsExactly(H2);
    }

    @Test
    void anUnreachablePrimaryOnAnOlderTimelineLosesToAPromotedStandby() {
        var old = Statuses.unreachable(Statuses.primary(H1, 1));
        var verdict = FencingRules.apply(List.of(old, Statuses.primary(H2, 2)), FenceBook.EMPTY);
        assertThat(topology(verdict).primary()).contains(H2);
        assertThat(verdict.statuses().getFirst().role()).isEqualTo(HostRole.FENCED);
    }
}
