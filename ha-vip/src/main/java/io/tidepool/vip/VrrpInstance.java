package io.tidepool.vip;

import io.tidepool.vip.config.VrrpConfig;
import io.tidepool.vip.io.NetInterface;
import io.tidepool.vip.state.Action;
import io.tidepool.vip.state.Event;
import io.tidepool.vip.state.Settings;
import io.tidepool.vip.state.VrrpState;
import io.tidepool.vip.state.VrrpStateMachine;
import io.tidepool.vip.track.HealthSource;
import io.tidepool.vip.track.NotifyRunner;
import io.tidepool.vip.track.Tracker;
import io.tidepool.vip.vrrp.AdvertFilter;
import io.tidepool.vip.vrrp.DropReason;
import io.tidepool.vip.vrrp.Ipv4;
import io.tidepool.vip.vrrp.VrrpAdvertisement;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One running VRRP instance: the imperative shell around {@link VrrpStateMachine}. {@link #start} opens every socket
 * and links every native call on the caller's thread (so a missing CAP_NET_RAW/CAP_NET_ADMIN fails there), removes a
 * stale VIP, and starts the instance's own platform thread ("vrrp-VRID"), which alone touches the state machine and the
 * sockets. Its loop waits in {@code poll} for a packet or the next timer (at most 10 ms), validates packets in place,
 * applies track results and interface state, and performs the machine's actions; it allocates nothing per dropped
 * packet and only the small event records per accepted one. {@link #close()} is graceful: priority-0 advert, VIPs
 * removed (RFC 5798 §6.4.3 Shutdown). Public methods are thread-safe.
 */
public final class VrrpInstance implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.tidepool.vip");
    private static final int MAX_WAIT_MILLIS = 10;
    private static final long LINK_CHECK_NANOS = 100_000_000L;
    private static final Event TICK = new Event.Tick();

    private final VrrpConfig config;
    private final VrrpIo io;
    private final AdvertFilter filter;
    private final VrrpStateMachine machine;
    private final Tracker tracker;
    private final NotifyRunner notify;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<VrrpListener> listeners = new CopyOnWriteArrayList<>();
    private final String tag;
    private volatile boolean stopping;
    private volatile VrrpState state = VrrpState.INITIALIZE;
    private volatile int effectivePriority;
    private volatile int masterIp;
    private volatile int masterAdvertCentis;
    private volatile Instant lastTransition = Instant.now();
    private volatile String lastReason = "not started";
    private volatile long received;

    // VRRP-thread-only state
    private long lastVerdictVersion = -1;
    private @Nullable String currentFault;
    private long nextLinkCheck;
    private long lastVipRefresh;
    private long secondGarpAt = Long.MIN_VALUE;
    private final boolean[] dropLogged = new boolean[DropReason.values().length];

    private VrrpInstance(VrrpConfig config, @Nullable HealthSource health) {
        this.config = config;
        this.tag = "VRID " + config.virtualRouterId() + " on " + config.interfaceName();
        this.io = new VrrpIo(config);
        try {
            io.removeStaleVips();
        } catch (RuntimeException e) {
            io.close();
            throw e;
        }
        int[] peers = config.unicast() ? config.unicastPeers().stream().mapToInt(Ipv4::toInt).toArray() : null;
        String pass = config.authPass();
        this.filter = new AdvertFilter(config.version(), config.virtualRouterId(),
                pass == null ? 0 : VrrpAdvertisement.AUTH_PASS, pass == null ? 0 : VrrpAdvertisement.authData(pass),
                config.advertIntervalCentis(), io.vips(), peers, io.sourceIp);
        this.machine = new VrrpStateMachine(new Settings(config.version(), config.priority(),
                config.advertIntervalCentis(), io.sourceIp, !config.nopreempt(), config.preemptDelay().toNanos(),
                !config.lowerPrioNoAdvert()), System::nanoTime);
        this.effectivePriority = config.priority();
        this.masterAdvertCentis = config.advertIntervalCentis();
        this.tracker = new Tracker(config.trackScripts(), health, config.health(),
                line -> LOG.log(Level.INFO, "{0}: {1}", tag, line));
        this.notify = new NotifyRunner(config.notifyTimeout(), line -> LOG.log(Level.WARNING, "{0}: {1}", tag, line));
        this.thread = Thread.ofPlatform().name("vrrp-" + config.virtualRouterId()).daemon(true).unstarted(this::run);
    }

    /**
     * Opens the sockets, removes stale VIPs and starts the instance as BACKUP (MASTER at once for priority 255).
     *
     * @param health    the pooler's health, or {@link HealthSource#NONE}
     * @param listeners transition listeners registered before the first transition (more: {@link #addListener})
     * @throws io.tidepool.vip.io.VipIoException when a socket, the interface or a capability is missing
     */
    public static VrrpInstance start(VrrpConfig config, HealthSource health, VrrpListener... listeners) {
        var instance = new VrrpInstance(config, health);
        instance.listeners.addAll(List.of(listeners));
        instance.tracker.start();
        instance.thread.start();
        return instance;
    }

    /** Adds a transition listener (called on the VRRP thread). */
    public void addListener(VrrpListener listener) {
        listeners.add(listener);
    }

    public VrrpConfig config() {
        return config;
    }

    /** The current snapshot for {@code SHOW VRRP}. */
    public VrrpStatus status() {
        var dropped = new EnumMap<DropReason, Long>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            long n = filter.dropped(reason);
            if (n > 0) {
                dropped.put(reason, n);
            }
        }
        int master = masterIp;
        return new VrrpStatus(config.virtualRouterId(), config.interfaceName(), state, config.priority(),
                effectivePriority, master == 0 ? null : Ipv4.of(master), config.advertIntervalCentis(),
                masterAdvertCentis, lastTransition, lastReason, received, io.sent.get(), dropped);
    }

    private void run() {
        try {
            perform(machine.handle(new Event.Startup()));
            while (!stopping) {
                long now = System.nanoTime();
                applyTracking(now);
                long wait = machine.nextDeadline() - now;
                int millis = Math.clamp((wait + 999_999) / 1_000_000, 0, MAX_WAIT_MILLIS);
                int length = io.socket.receive(millis);
                if (length > 0) {
                    received++;
                    onPacket(length);
                }
                perform(machine.handle(TICK));
                maintain(System.nanoTime());
            }
            perform(machine.handle(new Event.Shutdown()));
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, tag + ": VRRP thread failed; removing VIPs", e);
            state = VrrpState.FAULT;                   // SHOW VRRP must not keep showing MASTER
            lastTransition = Instant.now();
            lastReason = "VRRP thread failed: " + e;
            try {
                io.removeVips();
            } catch (RuntimeException ignored) {
                // the lifetime removes them if this failed too
            }
        } finally {
            io.close();
            stopped.countDown();
        }
    }

    private void onPacket(int length) {
        DropReason reason = filter.check(io.socket.receiveBuffer(), length);
        if (reason == null) {
            perform(machine.handle(new Event.AdvertReceived(filter.priority(), filter.source(),
                    filter.intervalCentis())));
        } else if (!dropLogged[reason.ordinal()] && reason != DropReason.OWN_ADVERT) {
            dropLogged[reason.ordinal()] = true;      // first of each kind is logged; all are counted
            LOG.log(Level.WARNING, "{0}: dropped advert from {1}: {2} (further drops of this kind are only counted)",
                    tag, Ipv4.toString(io.socket.receiveBuffer().getInt(12)), reason);
        }
    }

    // Track scripts, health and interfaces -> effective priority and FAULT (keepalived vrrp_script/track_interface).
    private void applyTracking(long now) {
        Tracker.Verdict verdict = tracker.verdict();
        boolean changed = verdict.version() != lastVerdictVersion;
        if (changed) {
            lastVerdictVersion = verdict.version();
            int effective = config.priority() == 255 ? 255 : Math.clamp(config.priority() + verdict.weightSum(), 1, 254);
            if (effective != machine.priority()) {
                perform(machine.handle(new Event.PriorityChanged(effective, verdict.change())));
                LOG.log(Level.INFO, "{0}: effective priority {1} ({2})", tag, machine.priority(), verdict.change());
            }
        }
        if (!changed && now - nextLinkCheck < 0) {
            return;
        }
        nextLinkCheck = now + LINK_CHECK_NANOS;
        String fault = verdict.fault();
        if (fault == null && !io.netInterface.linkUp()) {
            fault = "interface " + io.netInterface.name() + " link down";
        }
        for (NetInterface tracked : io.trackedInterfaces) {
            if (fault == null && !tracked.linkUp()) {
                fault = "track_interface " + tracked.name() + " link down";
            }
        }
        if (!java.util.Objects.equals(fault, currentFault)) {
            String reason = fault != null ? fault : "recovered from: " + currentFault;
            currentFault = fault;
            perform(machine.handle(new Event.FaultChanged(fault != null, reason)));
        }
    }

    // The VIP lifetime refresh (dead-man switch) and keepalived's second GARP burst after garp_master_delay.
    private void maintain(long now) {
        if (machine.state() != VrrpState.MASTER) {
            return;
        }
        long lifetime = config.vipLifetimeSeconds() * 1_000_000_000L;
        if (lifetime > 0 && now - lastVipRefresh >= lifetime / 3) {
            io.addOrRefreshVips();
            lastVipRefresh = now;
        }
        if (secondGarpAt != Long.MIN_VALUE && now - secondGarpAt >= 0) {
            secondGarpAt = Long.MIN_VALUE;
            io.garpBurst();
        }
    }

    private void perform(List<Action> actions) {
        for (int i = 0; i < actions.size(); i++) {          // indexed: no iterator per loop turn
            Action action = actions.get(i);
            switch (action) {
                case Action.SendAdvert(int priority) -> io.sendAdvert(priority);
                case Action.AddVips() -> {
                    io.addOrRefreshVips();
                    lastVipRefresh = System.nanoTime();
                }
                case Action.RemoveVips() -> io.removeVips();
                case Action.SendGarp() -> {
                    io.garpBurst();
                    long delay = config.garpMasterDelay().toNanos();
                    secondGarpAt = delay == 0 ? Long.MIN_VALUE : System.nanoTime() + delay;
                }
                case Action.LateWakeup(long lateNanos) -> LOG.log(Level.WARNING,
                        "{0}: MASTER woke up {1} ms late (GC pause or CPU starvation?); re-announcing", tag,
                        lateNanos / 1_000_000);
                case Action.Transition(VrrpState from, VrrpState to, String reason) -> onTransition(from, to, reason);
            }
        }
        effectivePriority = machine.priority();
        masterIp = machine.masterIp();
        masterAdvertCentis = machine.masterAdverIntervalCentis();
    }

    private void onTransition(VrrpState from, VrrpState to, String reason) {
        state = to;
        lastTransition = Instant.now();
        lastReason = reason;
        masterIp = machine.masterIp();
        LOG.log(Level.INFO, "{0}: {1} -> {2}: {3}", tag, from, to, reason);   // one line per transition
        String command = switch (to) {
            case MASTER -> config.notifyMaster();
            case BACKUP -> config.notifyBackup();
            case FAULT -> config.notifyFault();
            case INITIALIZE -> null;
        };
        if (command != null) {
            notify.submit("notify_" + to.name().toLowerCase(java.util.Locale.ROOT), command);
        }
        VrrpStatus status = status();
        for (VrrpListener listener : listeners) {
            try {
                listener.onTransition(from, to, reason, status);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, tag + ": listener failed", e);
            }
        }
    }

    /** Graceful stop: priority-0 advert if MASTER, VIPs removed, sockets closed. Idempotent; waits up to 2 s. */
    @Override
    public void close() {
        stopping = true;
        try {
            if (!stopped.await(2, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "{0}: VRRP thread did not stop within 2 s", tag);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tracker.close();
        notify.close();
    }
}
