package io.tidepool.vip.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.vip.state.Action.AddVips;
import io.tidepool.vip.state.Action.LateWakeup;
import io.tidepool.vip.state.Action.RemoveVips;
import io.tidepool.vip.state.Action.SendAdvert;
import io.tidepool.vip.state.Action.SendGarp;
import io.tidepool.vip.state.Action.Transition;
import io.tidepool.vip.state.Event.AdvertReceived;
import io.tidepool.vip.state.Event.FaultChanged;
import io.tidepool.vip.state.Event.PriorityChanged;
import io.tidepool.vip.state.Event.Shutdown;
import io.tidepool.vip.state.Event.Startup;
import io.tidepool.vip.state.Event.Tick;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every transition of RFC 5798 §6.4.1–§6.4.3 (and RFC 9568's change to §6.4.3), each test named after its clause,
 * driven by a virtual clock. Priorities: we are 100 unless stated; the peer's address is higher than ours when PEER_HI.
 */
class VrrpStateMachineTest {
    static final int SELF = 0xc000020b;      // 192.0.2.11
    static final int PEER_HI = 0xc000020c;   // 192.0.2.12
    static final int PEER_LO = 0xc000020a;   // 192.0.2.10

    final FakeClock clock = new FakeClock();

    VrrpStateMachine machine(int version, int priority, int intervalCentis, boolean preempt, long preemptDelayMs) {
        return new VrrpStateMachine(new Settings(version, priority, intervalCentis, SELF, preempt,
                preemptDelayMs * 1_000_000L, true), clock);
    }

    VrrpStateMachine v3(int priority) {
        return machine(3, priority, 100, true, 0);
    }

    VrrpStateMachine backup(int priority) {
        var m = v3(priority);
        m.handle(new Startup());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        return m;
    }

    VrrpStateMachine master(int priority) {
        var m = backup(priority);
        clock.advanceMillis(5000);
        m.handle(new Tick());
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        return m;
    }

    static AdvertReceived advert(int priority, int source) {
        return new AdvertReceived(priority, source, 100);
    }

    /** Advances the clock to just before and then to the machine's next deadline, returning the actions of the latter. */
    List<Action> runToDeadline(VrrpStateMachine m, long expectedDelayNanos) {
        long before = clock.nanoTime();
        long deadline = m.nextDeadline();
        assertThat(deadline - before).isEqualTo(expectedDelayNanos);
        clock.advanceNanos(expectedDelayNanos - 1);
        assertThat(m.handle(new Tick())).isEmpty();
        clock.advanceNanos(1);
        return m.handle(new Tick());
    }

    // ---- §6.1 timers ----

    @Test
    void rfc5798_6_1_skewTimeAndMasterDownIntervalUseTheMastersIntervalInCentiseconds() {
        var s = new Settings(3, 100, 100, SELF, true, 0, true);
        assertThat(s.skewNanos(100, 100)).isEqualTo(609_375_000L);              // VRRP-NOTES §2.4: 0.609 s
        assertThat(s.masterDownNanos(100, 100)).isEqualTo(3_609_375_000L);
        assertThat(s.masterDownNanos(150, 100)).isEqualTo(3_414_062_500L);
        assertThat(s.masterDownNanos(50, 100)).isEqualTo(3_804_687_500L);
        assertThat(s.masterDownNanos(100, 10)).isEqualTo(360_937_500L);          // 10 cs: 361 ms
    }

    @Test
    void rfc3768_6_1_v2SkewTimeIsIndependentOfTheInterval() {
        var s = new Settings(2, 100, 200, SELF, true, 0, true);
        assertThat(s.skewNanos(100, 200)).isEqualTo(609_375_000L);
        assertThat(s.masterDownNanos(100, 200)).isEqualTo(6_609_375_000L);
    }

    // ---- §6.4.1 Initialize ----

    @Test
    void rfc5798_6_4_1_startupAsOwnerSendsAdvertAddsVipsBroadcastsGarpAndBecomesMaster() {
        var m = v3(255);
        assertThat(m.handle(new Startup())).containsExactly(new SendAdvert(255), new AddVips(), new SendGarp(),
                new Transition(VrrpState.INITIALIZE, VrrpState.MASTER, "startup, address owner (priority 255)"));
        assertThat(m.masterIp()).isEqualTo(SELF);
        assertThat(runToDeadline(m, 1_000_000_000L)).containsExactly(new SendAdvert(255));
    }

    @Test
    void rfc5798_6_4_1_startupOtherwiseSetsMasterAdverIntervalStartsDownTimerAndBecomesBackup() {
        var m = v3(100);
        assertThat(m.handle(new Startup()))
                .containsExactly(new Transition(VrrpState.INITIALIZE, VrrpState.BACKUP, "startup"));
        assertThat(m.masterAdverIntervalCentis()).isEqualTo(100);
        assertThat(m.nextDeadline() - clock.nanoTime()).isEqualTo(3_609_375_000L);
    }

    @Test
    void rfc5798_6_4_1_startupTwiceIsABug() {
        var m = backup(100);
        assertThatThrownBy(() -> m.handle(new Startup())).isInstanceOf(IllegalStateException.class)
                .hasMessage("Startup in state BACKUP (expected: INITIALIZE)");
    }

    // ---- §6.4.2 Backup ----

    @Test
    void rfc5798_6_4_2_backupShutdownCancelsTheDownTimerAndGoesToInitialize() {
        var m = backup(100);
        assertThat(m.handle(new Shutdown()))
                .containsExactly(new Transition(VrrpState.BACKUP, VrrpState.INITIALIZE, "shutdown"));
        clock.advanceMillis(10_000);
        assertThat(m.handle(new Tick())).isEmpty();
    }

    @Test
    void rfc5798_6_4_2_backupDownTimerExpirySendsAdvertAddsVipsSendsGarpAndBecomesMaster() {
        var m = backup(100);
        List<Action> actions = runToDeadline(m, 3_609_375_000L);
        assertThat(actions).startsWith(new SendAdvert(100), new AddVips(), new SendGarp());
        assertThat(actions.get(3)).isInstanceOfSatisfying(Transition.class,
                t -> assertThat(t.to()).isEqualTo(VrrpState.MASTER));
        assertThat(m.masterIp()).isEqualTo(SELF);
    }

    @Test
    void rfc5798_6_4_2_backupPriorityZeroAdvertSetsDownTimerToSkewTime() {
        var m = backup(100);
        m.handle(advert(150, PEER_HI));
        assertThat(m.handle(advert(0, PEER_HI))).isEmpty();
        assertThat(runToDeadline(m, 609_375_000L)).contains(new SendAdvert(100));
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void rfc5798_6_4_2_backupAcceptsHigherPriorityLearnsTheIntervalAndResetsTheDownTimer() {
        var m = backup(100);
        clock.advanceMillis(3000);
        assertThat(m.handle(new AdvertReceived(150, PEER_HI, 10))).isEmpty();
        assertThat(m.masterAdverIntervalCentis()).isEqualTo(10);     // v3 learns the master's 10 cs
        assertThat(m.masterIp()).isEqualTo(PEER_HI);
        assertThat(runToDeadline(m, 360_937_500L)).contains(new SendAdvert(100));
    }

    @Test
    void rfc5798_6_4_2_backupAcceptsEqualPriority() {
        var m = backup(100);
        clock.advanceMillis(3000);
        m.handle(advert(100, PEER_LO));
        assertThat(m.nextDeadline() - clock.nanoTime()).isEqualTo(3_609_375_000L);
    }

    @Test
    void rfc5798_6_4_2_backupWithoutPreemptAcceptsLowerPriority() {
        var m = machine(3, 200, 100, false, 0);
        m.handle(new Startup());
        clock.advanceMillis(3000);
        m.handle(advert(50, PEER_LO));
        assertThat(m.nextDeadline() - clock.nanoTime()).isEqualTo(3_218_750_000L);   // reset: no takeover
        assertThat(m.masterIp()).isEqualTo(PEER_LO);
    }

    @Test
    void rfc5798_6_4_2_backupWithPreemptDiscardsLowerPriorityAndTakesOverWhenTheTimerFires() {
        var m = backup(200);
        long started = clock.nanoTime();
        clock.advanceMillis(1000);
        m.handle(advert(50, PEER_LO));
        clock.advanceMillis(1000);
        m.handle(advert(50, PEER_LO));
        assertThat(m.nextDeadline() - started).isEqualTo(3_218_750_000L);        // never reset
        clock.advanceNanos(3_218_750_000L - 2_000_000_000L);
        assertThat(m.handle(new Tick())).contains(new SendAdvert(200));
    }

    @Test
    void rfc3768_6_4_2_v2BackupDoesNotLearnTheInterval() {
        var m = machine(2, 100, 100, true, 0);
        m.handle(new Startup());
        m.handle(new AdvertReceived(150, PEER_HI, 300));
        assertThat(m.masterAdverIntervalCentis()).isEqualTo(100);
    }

    @Test
    void keepalivedPreemptDelayToleratesALowerPriorityMasterForTheDelay() {
        var m = machine(3, 200, 100, true, 5000);
        m.handle(new Startup());
        for (int i = 0; i < 5; i++) {          // 1 s adverts from a lower-priority master for 5 s: tolerated
            clock.advanceMillis(1000);
            m.handle(advert(50, PEER_LO));
            assertThat(m.handle(new Tick())).isEmpty();
        }
        long lastAccepted = clock.nanoTime() - 1000_000_000L;
        clock.advanceMillis(1000);
        m.handle(advert(50, PEER_LO));         // 6 s after start-up: discarded, the timer runs out
        assertThat(m.nextDeadline() - lastAccepted).isEqualTo(3_218_750_000L);
        clock.advanceMillis(3000);
        assertThat(m.handle(new Tick())).contains(new SendAdvert(200));
    }

    // ---- §6.4.3 Master ----

    @Test
    void rfc5798_6_4_3_masterAdverTimerSendsAnAdvertAndRestarts() {
        var m = master(100);
        assertThat(runToDeadline(m, 1_000_000_000L)).containsExactly(new SendAdvert(100));
        assertThat(runToDeadline(m, 1_000_000_000L)).containsExactly(new SendAdvert(100));
    }

    @Test
    void rfc5798_6_4_3_masterShutdownSendsPriorityZeroRemovesVipsAndGoesToInitialize() {
        var m = master(100);
        assertThat(m.handle(new Shutdown())).containsExactly(new SendAdvert(0), new RemoveVips(),
                new Transition(VrrpState.MASTER, VrrpState.INITIALIZE, "shutdown"));
        clock.advanceMillis(10_000);
        assertThat(m.handle(new Tick())).isEmpty();
    }

    @Test
    void rfc5798_6_4_3_masterAnswersPriorityZeroWithAnAdvertAtOnce() {
        var m = master(100);
        clock.advanceMillis(300);
        assertThat(m.handle(advert(0, PEER_HI))).containsExactly(new SendAdvert(100));
        assertThat(m.nextDeadline() - clock.nanoTime()).isEqualTo(1_000_000_000L);   // Adver_Timer restarted
    }

    @Test
    void rfc5798_6_4_3_masterHearingHigherPriorityRemovesVipsAndBecomesBackup() {
        var m = master(100);
        // The farewell SendAdvert(100) makes the winner answer with a GARP (RFC 9568 answer; split-brain heal).
        assertThat(m.handle(new AdvertReceived(150, PEER_LO, 50))).containsExactly(new RemoveVips(),
                new SendAdvert(100), new Transition(VrrpState.MASTER, VrrpState.BACKUP,
                        "higher priority advert from 192.0.2.10 (priority 150, ours 100)"));
        assertThat(m.masterAdverIntervalCentis()).isEqualTo(50);
        assertThat(m.nextDeadline() - clock.nanoTime()).isEqualTo(3L * 500_000_000 + 156L * 50 * 10_000_000 / 256);
    }

    @Test
    void rfc5798_6_4_3_masterHearingEqualPriorityFromAHigherAddressBecomesBackup() {
        var m = master(100);
        assertThat(m.handle(advert(100, PEER_HI))).contains(new RemoveVips());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void rfc5798_6_4_3_masterHearingEqualPriorityFromALowerAddressStaysMaster() {
        var m = master(100);
        assertThat(m.handle(advert(100, PEER_LO))).containsExactly(new SendAdvert(100), new SendGarp());
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void rfc9568_6_4_3_masterAnswersLowerPriorityAtOnceWithAdvertAndGarp() {
        var m = master(150);
        clock.advanceMillis(400);
        assertThat(m.handle(advert(100, PEER_HI))).containsExactly(new SendAdvert(150), new SendGarp());
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void rfc5798_6_4_3_withoutTheRfc9568AnswerAYieldingMasterSendsNothing() {
        var m = new VrrpStateMachine(new Settings(3, 100, 100, SELF, true, 0, false), clock);
        m.handle(new Startup());
        clock.advanceMillis(5000);
        m.handle(new Tick());
        assertThat(m.handle(advert(150, PEER_HI))).doesNotHaveAnyElementsOfTypes(SendAdvert.class);
    }

    @Test
    void rfc5798_6_4_2_priorityZeroTakeoverSaysSo() {
        var m = backup(100);
        m.handle(advert(150, PEER_HI));
        m.handle(advert(0, PEER_HI));
        clock.advanceMillis(610);
        assertThat(m.handle(new Tick())).contains(new Transition(VrrpState.BACKUP, VrrpState.MASTER,
                "master sent priority 0; Skew_Time 609 ms expired"));
    }

    @Test
    void rfc5798_6_4_3_masterIgnoresLowerPriorityWhenRfc9568AnswerIsOff() {
        var m = new VrrpStateMachine(new Settings(3, 150, 100, SELF, true, 0, false), clock);
        m.handle(new Startup());
        clock.advanceMillis(5000);
        m.handle(new Tick());
        assertThat(m.handle(advert(100, PEER_HI))).isEmpty();
    }

    @Test
    void lateWakeupMasterReannouncesWithGarp() {
        var m = master(100);
        clock.advanceMillis(2500);             // a 2.5 s pause with a 1 s interval
        assertThat(m.handle(new Tick())).containsExactly(new LateWakeup(1_500_000_000L), new SendAdvert(100),
                new AddVips(), new SendGarp());
        assertThat(m.handle(new Tick())).isEmpty();
    }

    @Test
    void lateWakeupIsNoticedBeforeAnAdvertQueuedDuringThePause() {
        var m = master(150);
        clock.advanceMillis(5000);             // SIGSTOP; the backup took over and its adverts queued up
        assertThat(m.handle(advert(100, PEER_HI))).containsExactly(new LateWakeup(4_000_000_000L),
                new SendAdvert(150), new AddVips(), new SendGarp(), new SendAdvert(150), new SendGarp());
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    // ---- priorities and FAULT (keepalived vrrp_script / track_interface) ----

    @Test
    void effectivePriorityIsAdvertisedAndClampedButNeverForTheOwner() {
        var m = master(150);
        m.handle(new PriorityChanged(90, "chk weight -60"));
        assertThat(runToDeadline(m, 1_000_000_000L)).containsExactly(new SendAdvert(90));
        m.handle(new PriorityChanged(-500, "x"));
        assertThat(m.priority()).isEqualTo(1);
        var owner = v3(255);
        owner.handle(new Startup());
        owner.handle(new PriorityChanged(100, "x"));
        assertThat(owner.priority()).isEqualTo(255);
    }

    @Test
    void loweredPriorityMakesAPreemptingBackupTakeOver() {
        var backup = backup(100);
        backup.handle(advert(150, PEER_HI));
        clock.advanceMillis(1000);
        backup.handle(advert(90, PEER_HI));    // the master's track script failed: 150 - 60
        assertThat(runToDeadline(backup, 3_609_375_000L - 1_000_000_000L)).contains(new SendAdvert(100));
    }

    @Test
    void faultOnMasterSendsPriorityZeroRemovesVipsAndGoesSilent() {
        var m = master(100);
        assertThat(m.handle(new FaultChanged(true, "track_script chk failed"))).containsExactly(new SendAdvert(0),
                new RemoveVips(), new Transition(VrrpState.MASTER, VrrpState.FAULT, "track_script chk failed"));
        clock.advanceMillis(10_000);
        assertThat(m.handle(new Tick())).isEmpty();
        assertThat(m.handle(advert(50, PEER_HI))).isEmpty();
    }

    @Test
    void faultClearedReturnsToBackup() {
        var m = backup(100);
        m.handle(new FaultChanged(true, "eth0 link down"));
        assertThat(m.state()).isEqualTo(VrrpState.FAULT);
        assertThat(m.handle(new FaultChanged(false, "eth0 link up")))
                .containsExactly(new Transition(VrrpState.FAULT, VrrpState.BACKUP, "fault cleared: eth0 link up"));
        assertThat(m.nextDeadline() - clock.nanoTime()).isEqualTo(3_609_375_000L);
    }

    @Test
    void startupWhileFaultedGoesToFault() {
        var m = v3(100);
        m.handle(new FaultChanged(true, "chk failed"));
        assertThat(m.handle(new Startup())).containsExactly(
                new Transition(VrrpState.INITIALIZE, VrrpState.FAULT, "startup while faulted: chk failed"));
    }

    @Test
    void transitionTableRejectsSelfLoops() {
        for (VrrpState s : VrrpState.values()) {
            assertThat(s.canMoveTo(s)).as(s.name()).isFalse();
        }
        assertThat(VrrpState.INITIALIZE.canMoveTo(VrrpState.MASTER)).isTrue();
    }
}
