package io.tidepool.vip.state;

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
import io.tidepool.vip.vrrp.Ipv4;
import java.util.ArrayList;
import java.util.List;

/**
 * The VRRP state machine of RFC 5798 §6.4 (states Initialize, Backup, Master) plus keepalived's FAULT, as a pure
 * function of events and a monotonic clock. It owns the two RFC timers (Adver_Timer, Master_Down_Timer) as deadlines;
 * the shell calls {@link #handle} with a {@link Tick} when {@link #nextDeadline()} is reached.
 *
 * <p>Beyond RFC 5798: RFC 9568 §6.4.3's answer to a lower-priority advert (which heals a split brain in one advert),
 * keepalived's {@code preempt_delay}, and a late-wake-up re-announce for a master paused longer than two intervals.
 *
 * <p>Not thread-safe: owned by the VRRP thread of one instance.
 */
public final class VrrpStateMachine {
    private static final long NONE = Long.MIN_VALUE;

    private final Settings settings;
    private final Clock clock;

    private VrrpState state = VrrpState.INITIALIZE;
    private int priority;
    private boolean faulted;
    private String faultReason = "";
    private int masterAdverIntervalCentis;
    private long adverDeadline = NONE;
    private long downDeadline = NONE;
    private long lastAdvertSent = NONE;
    private long lowerPriorityMasterSince = NONE;
    private int masterIp;
    private boolean downTimerIsSkew;
    private final List<List<Action>> advertOnly = new ArrayList<>(256);   // per priority, so a tick allocates nothing

    public VrrpStateMachine(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.priority = settings.basePriority();
        this.masterAdverIntervalCentis = settings.advertIntervalCentis();
        for (int p = 0; p < 256; p++) {
            advertOnly.add(List.of(new SendAdvert(p)));
        }
    }

    /** Applies one event and returns what the shell must do, in order. */
    public List<Action> handle(Event event) {
        long now = clock.nanoTime();
        List<Action> late = lateWakeup(now);
        List<Action> actions = switch (event) {
            case Startup ignored -> startup(now);
            case AdvertReceived advert -> onAdvert(advert, now);
            case Tick ignored -> onTick(now);
            case PriorityChanged change -> onPriority(change);
            case FaultChanged change -> onFault(change, now);
            case Shutdown ignored -> shutdown();
        };
        if (late.isEmpty()) {
            return actions;
        }
        var all = new ArrayList<Action>(late);
        all.addAll(actions);
        return all;
    }

    /**
     * A master that was not scheduled for more than two advert intervals (GC pause, SIGSTOP, CPU steal) may have been
     * replaced and may have lost its VIP to the lifetime: before anything else, re-announce, re-add the VIPs and GARP.
     * Checked on every event, so adverts queued during the pause cannot hide it.
     */
    private List<Action> lateWakeup(long now) {
        if (state != VrrpState.MASTER || lastAdvertSent == NONE || now - lastAdvertSent <= 2 * advertNanos()) {
            return List.of();
        }
        long late = now - lastAdvertSent - advertNanos();
        return List.of(new LateWakeup(late), sendAdvert(now), new AddVips(), new SendGarp());
    }

    private List<Action> startup(long now) {
        if (state != VrrpState.INITIALIZE) {
            throw new IllegalStateException("Startup in state " + state + " (expected: INITIALIZE)");
        }
        if (settings.preemptDelayNanos() > 0) {
            lowerPriorityMasterSince = now;     // keepalived: preempt_delay also counts from start-up
        }
        var actions = new ArrayList<Action>(4);
        if (faulted) {
            moveTo(VrrpState.FAULT, "startup while faulted: " + faultReason, actions);
        } else {
            leaveInitialize("startup", now, actions);
        }
        return actions;
    }

    // RFC 5798 §6.4.1: the owner goes straight to Master; everybody else waits a Master_Down_Interval as Backup.
    private void leaveInitialize(String reason, long now, List<Action> actions) {
        if (settings.owner()) {
            becomeMaster(reason + ", address owner (priority 255)", now, actions);
        } else {
            masterAdverIntervalCentis = settings.advertIntervalCentis();
            downDeadline = now + masterDownNanos();
            downTimerIsSkew = false;
            adverDeadline = NONE;
            masterIp = 0;
            moveTo(VrrpState.BACKUP, reason, actions);
        }
    }

    private void becomeMaster(String reason, long now, List<Action> actions) {
        actions.add(new SendAdvert(priority));
        actions.add(new AddVips());
        actions.add(new SendGarp());
        adverDeadline = now + advertNanos();
        lastAdvertSent = now;
        downDeadline = NONE;
        masterIp = settings.primaryIp();
        moveTo(VrrpState.MASTER, reason, actions);
    }

    private List<Action> onAdvert(AdvertReceived advert, long now) {
        return switch (state) {
            case INITIALIZE, FAULT -> {
                masterIp = advert.priority() == 0 ? 0 : advert.sourceIp();   // only for SHOW VRRP
                yield List.of();
            }
            case BACKUP -> backupReceives(advert, now);
            case MASTER -> masterReceives(advert, now);
        };
    }

    // RFC 5798 §6.4.2, "If an ADVERTISEMENT is received".
    private List<Action> backupReceives(AdvertReceived advert, long now) {
        if (advert.priority() == 0) {
            downDeadline = now + settings.skewNanos(priority, masterAdverIntervalCentis);   // fast takeover
            downTimerIsSkew = true;
            masterIp = 0;
            return List.of();
        }
        boolean notLower = advert.priority() >= priority;
        if (!settings.preempt() || notLower || preemptDelayed(now)) {
            if (notLower) {
                lowerPriorityMasterSince = NONE;
            }
            if (settings.version() == 3) {
                masterAdverIntervalCentis = advert.intervalCentis();   // v3 learns the master's interval
            }
            downDeadline = now + masterDownNanos();
            downTimerIsSkew = false;
            masterIp = advert.sourceIp();
        }
        // else: discard; the Master_Down_Timer keeps running and we preempt when it fires.
        return List.of();
    }

    // keepalived preempt_delay: a lower-priority master is tolerated for the delay after it is first seen.
    private boolean preemptDelayed(long now) {
        if (settings.preemptDelayNanos() == 0) {
            return false;
        }
        if (lowerPriorityMasterSince == NONE) {
            lowerPriorityMasterSince = now;
        }
        return now - lowerPriorityMasterSince < settings.preemptDelayNanos();
    }

    // RFC 5798 §6.4.3, "If an ADVERTISEMENT is received", and RFC 9568's answer to a lower priority.
    private List<Action> masterReceives(AdvertReceived advert, long now) {
        if (advert.priority() == 0) {
            sendAdvert(now);
            return advertOnly.get(priority);
        }
        boolean higher = advert.priority() > priority
                || advert.priority() == priority && Ipv4.compare(advert.sourceIp(), settings.primaryIp()) > 0;
        if (higher) {
            var actions = new ArrayList<Action>(2);
            if (settings.version() == 3) {
                masterAdverIntervalCentis = advert.intervalCentis();
            }
            adverDeadline = NONE;
            downDeadline = now + masterDownNanos();
            downTimerIsSkew = false;
            masterIp = advert.sourceIp();
            actions.add(new RemoveVips());
            if (settings.answerLowerPriority()) {
                // A farewell advert at our (lower) priority: the winner answers it with an advert and a GARP burst
                // (RFC 9568 §6.4.3), so clients that learnt our MAC during a split brain move to the winner even when
                // the winner's advert reached us before any of ours reached it (keepalived #166, RELIABILITY 55).
                actions.add(new SendAdvert(priority));
            }
            moveTo(VrrpState.BACKUP, "higher priority advert from " + Ipv4.toString(advert.sourceIp())
                    + " (priority " + advert.priority() + ", ours " + priority + ")", actions);
            return actions;
        }
        if (settings.answerLowerPriority()) {
            return List.of(sendAdvert(now), new SendGarp());
        }
        return List.of();
    }

    private List<Action> onTick(long now) {
        return switch (state) {
            case BACKUP -> {
                if (downDeadline == NONE || now - downDeadline < 0) {
                    yield List.of();
                }
                var actions = new ArrayList<Action>(4);
                becomeMaster(downTimerIsSkew
                        ? "master sent priority 0; Skew_Time " + settings.skewNanos(priority, masterAdverIntervalCentis)
                                / 1_000_000 + " ms expired"
                        : "master down timer expired (" + masterDownNanos() / 1_000_000 + " ms without an"
                                + " acceptable advert)", now, actions);
                yield actions;
            }
            case MASTER -> {
                if (now - adverDeadline < 0) {
                    yield List.of();
                }
                sendAdvert(now);
                yield advertOnly.get(priority);
            }
            case INITIALIZE, FAULT -> List.of();
        };
    }

    private SendAdvert sendAdvert(long now) {
        adverDeadline = now + advertNanos();
        lastAdvertSent = now;
        return new SendAdvert(priority);
    }

    private List<Action> onPriority(PriorityChanged change) {
        if (!settings.owner()) {
            // The next advert carries it; a backup's skew uses it from the next accepted advert.
            priority = Math.clamp(change.effectivePriority(), 1, 254);
        }
        return List.of();
    }

    private List<Action> onFault(FaultChanged change, long now) {
        faulted = change.faulted();
        faultReason = change.reason();
        var actions = new ArrayList<Action>(3);
        if (faulted && (state == VrrpState.BACKUP || state == VrrpState.MASTER)) {
            if (state == VrrpState.MASTER) {
                actions.add(new SendAdvert(0));    // let the backup take over after Skew_Time
                actions.add(new RemoveVips());
            }
            adverDeadline = NONE;
            downDeadline = NONE;
            moveTo(VrrpState.FAULT, change.reason(), actions);
        } else if (!faulted && state == VrrpState.FAULT) {
            leaveInitialize("fault cleared: " + change.reason(), now, actions);
        }
        return actions;
    }

    // RFC 5798 §6.4.2/§6.4.3 Shutdown: a master sends priority 0 so the backup need not wait Master_Down_Interval.
    private List<Action> shutdown() {
        if (state == VrrpState.INITIALIZE) {
            return List.of();
        }
        var actions = new ArrayList<Action>(3);
        if (state == VrrpState.MASTER) {
            actions.add(new SendAdvert(0));
            actions.add(new RemoveVips());
        }
        adverDeadline = NONE;
        downDeadline = NONE;
        moveTo(VrrpState.INITIALIZE, "shutdown", actions);
        return actions;
    }

    private void moveTo(VrrpState to, String reason, List<Action> actions) {
        if (!state.canMoveTo(to)) {
            throw new IllegalStateException(state + " -> " + to + " is not a VRRP transition (" + reason + ")");
        }
        actions.add(new Transition(state, to, reason));
        state = to;
    }

    private long advertNanos() {
        return settings.advertIntervalCentis() * 10_000_000L;
    }

    private long masterDownNanos() {
        return settings.masterDownNanos(priority, masterAdverIntervalCentis);
    }

    /** The earliest pending timer, or {@link Long#MAX_VALUE} relative to now when none runs. */
    public long nextDeadline() {
        long now = clock.nanoTime();
        long next = now + Long.MAX_VALUE / 4;
        if (adverDeadline != NONE && adverDeadline - next < 0) {
            next = adverDeadline;
        }
        if (downDeadline != NONE && downDeadline - next < 0) {
            next = downDeadline;
        }
        return next;
    }

    public VrrpState state() {
        return state;
    }

    /** Effective priority (base for the owner). */
    public int priority() {
        return priority;
    }

    /** Master_Adver_Interval in centiseconds: ours as master, the master's as a v3 backup. */
    public int masterAdverIntervalCentis() {
        return masterAdverIntervalCentis;
    }

    /** The current master's primary address (ours when master), 0 when unknown. */
    public int masterIp() {
        return masterIp;
    }

    public Settings settings() {
        return settings;
    }
}
