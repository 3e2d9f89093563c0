package io.tidepool.pooler.client;

import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Defences around logins (RELIABILITY cases 25 and 35): a bound on connections that have not yet authenticated
 * (a flood of half-open or slow logins cannot take every slot or every KDF thread), a delay before a failed login is
 * answered that grows with the failures of one address (PostgreSQL's {@code auth_delay}, made progressive), and a
 * rate limit on "authentication failed" log lines so an attack cannot flood the log.
 *
 * <p>One instance per pooler, kept across reloads; thread-safe (every event loop calls it).
 */
public final class LoginGuard {
    /** Failures of an address are forgotten after this long without a new one. */
    static final long FORGET_NANOS = 60_000_000_000L;
    /** At most this many addresses are tracked; past it the table is cleared (an attacker with many addresses). */
    static final int MAX_ADDRESSES = 10_000;
    /** Log lines about failed logins per second before they are counted instead of printed. */
    static final int LOG_LINES_PER_SECOND = 10;

    private final java.util.function.IntSupplier maxUnauthenticated;
    private final java.util.function.LongSupplier maxDelayMillis;
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Failures> failures = new ConcurrentHashMap<>();
    private final AtomicLong logSecond = new AtomicLong();
    private final AtomicInteger logLines = new AtomicInteger();
    private final AtomicInteger suppressed = new AtomicInteger();

    private record Failures(int count, long lastNanos) {
    }

    /** System property: the cap of the failure delay in milliseconds (default 2000; 0 disables the delay). */
    public static final String DELAY_PROPERTY = "tidepool.auth_failure_delay_ms";
    /** System property: connections allowed between accept and AuthenticationOk at once (default 1000). */
    public static final String MAX_LOGINS_PROPERTY = "tidepool.max_login_clients";

    /**
     * The pooler's guard. Its two limits are system properties read at each use (PgBouncer's ini has no such keys and
     * {@code [pgbouncer]} stays PgBouncer's key set; a Tidepool section for them is future work).
     */
    public static LoginGuard fromSystem() {
        return new LoginGuard(() -> Integer.getInteger(MAX_LOGINS_PROPERTY, 1000),
                () -> Long.getLong(DELAY_PROPERTY, 2000L));
    }

    /** Delay after the second consecutive failure of an address; doubles per failure up to the cap. */
    static final long BASE_DELAY_MILLIS = 100;

    /**
     * @param maxUnauthenticated connections allowed between accept and AuthenticationOk at once, read at each login
     * @param maxDelayMillis     cap of the failure delay (0 disables it), read at each failure
     */
    public LoginGuard(java.util.function.IntSupplier maxUnauthenticated, java.util.function.LongSupplier maxDelayMillis) {
        this.maxUnauthenticated = maxUnauthenticated;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** A connection starts its login; false means too many are in progress and it must be refused. */
    boolean tryEnter() {
        while (true) {
            int now = unauthenticated.get();
            if (now >= maxUnauthenticated.getAsInt()) {
                return false;
            }
            if (unauthenticated.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A connection that {@link #tryEnter entered} authenticated or went away. */
    void leave() {
        unauthenticated.decrementAndGet();
    }

    /** Logins in progress (for tests and SHOW). */
    public int unauthenticated() {
        return unauthenticated.get();
    }

    /**
     * Records a failed login from {@code address} and returns how long to wait before answering it: nothing the first
     * time (a typo), then doubling up to the cap. Unix-socket peers (null) are not delayed.
     */
    long failed(@Nullable InetAddress address) {
        long cap = maxDelayMillis.getAsLong();
        if (address == null || cap <= 0) {
            return 0;
        }
        if (failures.size() >= MAX_ADDRESSES) {
            failures.clear();
        }
        long now = System.nanoTime();
        Failures f = failures.merge(address, new Failures(1, now), (old, one) ->
                now - old.lastNanos() > FORGET_NANOS ? one : new Failures(Math.min(old.count() + 1, 64), now));
        if (f.count() <= 1) {
            return 0;
        }
        long delay = Math.min(BASE_DELAY_MILLIS, cap) << Math.min(f.count() - 2, 20);
        return Math.min(delay, cap);
    }

    /**
     * Whether a failure line may be logged now; when lines were held back, the next allowed line says how many.
     *
     * @return -1 to stay silent, else the number of lines suppressed since the last one printed
     */
    int logPermit() {
        long second = System.nanoTime() / 1_000_000_000L;
        long previous = logSecond.get();
        if (previous != second && logSecond.compareAndSet(previous, second)) {
            logLines.set(0);
        }
        if (logLines.incrementAndGet() > LOG_LINES_PER_SECOND) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }
}
