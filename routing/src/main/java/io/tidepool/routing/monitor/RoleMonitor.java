package io.tidepool.routing.monitor;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostStatus;
import io.tidepool.routing.RoutingConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one host at {@code check_interval} on its own virtual thread and reports each outcome to its {@link
 * TopologyMonitor}. Algorithm, per round:
 * <ol>
 *   <li>Wait until the next check is due ({@code check_interval} after the previous one ended), or until {@link
 *       #recheckNow()} asks for one sooner (never sooner than 100 ms after the previous one ended, so a storm of
 *       failed server connections costs one check, not thousands).</li>
 *   <li>If the check starts later than scheduled by more than the pause threshold, the whole process stood still:
 *       report a pause ({@link PauseDetector}).</li>
 *   <li>Run the {@link HostProbe} under a watchdog that interrupts it after {@code check_timeout} (on a virtual
 *       thread the interrupt closes the blocked socket). A check that still took far longer than allowed also
 *       reveals a pause.</li>
 *   <li>Feed the outcome through the rise/fall {@link HostTracker} and hand the status to the sink.</li>
 * </ol>
 * Owned by a {@link TopologyMonitor}; {@link #recheckNow()} may be called from any thread, the rest runs on the
 * monitor's thread (tests call {@link #check(long)} directly instead of starting the thread).
 */
public final class RoleMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoleMonitor.class);
    private static final long MIN_RECHECK_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Where a monitor delivers what it learns; called on the monitor's thread. */
    interface Sink {
        /** A check that started at {@code checkStartNanos} produced {@code status}. */
        void onStatus(HostStatus status, long checkStartNanos);

        /** The monitor saw the process pause ({@code reason} says how). */
        void onPause(Host host, String reason);
    }

    private final Host host;
    private final HostProbe probe;
    private final MonitorClock clock;
    private final HostTracker tracker;
    private final PauseDetector pauses;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final @Nullable ScheduledExecutorService watchdog;
    private final Sink sink;
    private final Semaphore wake = new Semaphore(0);
    private final Object checkLock = new Object();
    private @Nullable Thread checkingThread;           // guarded by checkLock
    private boolean timedOut;                          // guarded by checkLock
    private volatile boolean closed;
    private volatile @Nullable Thread thread;

    RoleMonitor(Host host, RoutingConfig config, HostProbe probe, MonitorClock clock,
            @Nullable ScheduledExecutorService watchdog, Sink sink) {
        this.host = Objects.requireNonNull(host, "host");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tracker = new HostTracker(host, config.rise(), config.fall());
        this.pauses = PauseDetector.of(config);
        this.intervalNanos = config.checkInterval().toNanos();
        this.timeoutNanos = config.checkTimeout().toNanos();
        this.watchdog = watchdog;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The host this monitor checks. */
    public Host host() {
        return host;
    }

    /** The latest status this monitor produced. */
    public HostStatus status() {
        return tracker.status();
    }

    /**
     * Asks for a check as soon as possible instead of at the next interval: the pooler calls it when a server
     * connection to this host fails, a login is refused, or a session reports {@code in_hot_standby = off}. Requests
     * arriving during a check are folded into one check after it. Any thread; never blocks.
     */
    public void recheckNow() {
        wake.release();
    }

    /** Starts the monitor's virtual thread; the first check runs at once. */
    void start() {
        thread = Thread.ofVirtual().name("tidepool-monitor-" + host).start(this::run);
    }

    private void run() {
        long scheduled = clock.nanoTime();
        while (!closed) {
            try {
                check(scheduled);
            } catch (RuntimeException e) {
                log.error("routing: monitor of {} failed unexpectedly; it keeps checking", host, e);
            }
            long ended = clock.nanoTime();
            scheduled = ended + intervalNanos;
            if (awaitNext(scheduled)) {
                // A requested recheck is due now (after the minimum gap), which is not a late start.
                long earliest = ended + MIN_RECHECK_GAP_NANOS;
                sleepUntil(earliest);
                scheduled = Math.max(clock.nanoTime(), earliest);
                wake.drainPermits();
            }
        }
        probe.close();
    }

    /** Waits until {@code deadline}; returns true if woken early by {@link #recheckNow()}. */
    private boolean awaitNext(long deadline) {
        try {
            long remaining = deadline - clock.nanoTime();
            boolean woken = remaining > 0 ? wake.tryAcquire(remaining, TimeUnit.NANOSECONDS) : wake.tryAcquire();
            return woken && !closed;
        } catch (InterruptedException e) {
            return false;                              // close() interrupts; the loop sees closed
        }
    }

    private void sleepUntil(long deadline) {
        long remaining = deadline - clock.nanoTime();
        if (remaining > 0) {
            try {
                Thread.sleep(Duration.ofNanos(remaining));
            } catch (InterruptedException e) {
                // closing
            }
        }
    }

    /** Runs one check that was due at {@code scheduledNanos}, reports it to the sink and returns the status. */
    HostStatus check(long scheduledNanos) {
        long start = clock.nanoTime();
        pauses.lateStart(scheduledNanos, start).ifPresent(reason -> sink.onPause(host, reason));
        ProbeResult result = null;
        String error = null;
        synchronized (checkLock) {
            checkingThread = Thread.currentThread();
            timedOut = false;
        }
        ScheduledFuture<?> dog = watchdog == null ? null
                : watchdog.schedule(this::onTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
        boolean expired;
        try {
            result = probe.check();
        } catch (Exception e) {
            error = describe(e);
        } finally {
            synchronized (checkLock) {
                checkingThread = null;
                expired = timedOut;
            }
            if (dog != null) {
                dog.cancel(false);
            }
            Thread.interrupted();                      // a watchdog interrupt must not leak into the wait
        }
        if (expired) {
            result = null;
            error = "no answer within check_timeout (" + Duration.ofNanos(timeoutNanos).toMillis() + " ms)";
            probe.close();
        }
        long end = clock.nanoTime();
        pauses.slowCheck(start, end).ifPresent(reason -> sink.onPause(host, reason));
        HostStatus status = result != null
                ? tracker.onSuccess(result, end, clock.instant())
                : tracker.onFailure(Objects.requireNonNull(error), end, clock.instant());
        sink.onStatus(status, start);
        return status;
    }

    private void onTimeout() {
        synchronized (checkLock) {
            if (checkingThread != null) {
                timedOut = true;
                checkingThread.interrupt();
            }
        }
    }

    private static String describe(Exception e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            text += " (SQLSTATE " + sql.getSQLState() + ")";
        }
        return text;
    }

    /** Stops the thread (waiting up to the check timeout plus one second) and closes the probe. */
    @Override
    public void close() {
        closed = true;
        wake.release();
        Thread t = thread;
        if (t == null) {
            probe.close();
            return;
        }
        t.interrupt();
        try {
            if (!t.join(Duration.ofNanos(timeoutNanos).plusSeconds(1))) {
                log.warn("routing: monitor of {} did not stop in time", host);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RoleMonitor[" + tracker + "]";
    }
}
