package io.tidepool.pooler.metrics;

import io.micrometer.core.instrument.Clock;

/**
 * Micrometer's clock with a wall time read from the system only every {@value #CALLS_PER_READ} calls and at every
 * scrape ({@link #refresh}).
 *
 * <p>Why: each {@code Timer.record} asks the wall time twice (to rotate the time-window maximum and the histogram), and
 * the pooler records three timers per transaction; those six clock reads were about a twelfth of the event loop's
 * user time in a profile of {@code pgbench -S} (async-profiler, perf/README.md). The wall time only decides when a
 * two-minute window rotates, so a value a few calls or one scrape old changes nothing that a scrape shows. The
 * monotonic time is the system's own.
 *
 * <p>Thread-safe: the shared counter is racy on purpose (a lost increment only delays a read).
 */
final class CoarseClock implements Clock {
    static final int CALLS_PER_READ = 64;
    private volatile long wallMillis = System.currentTimeMillis();
    private int calls;

    @Override
    public long wallTime() {
        if ((++calls & (CALLS_PER_READ - 1)) == 0) {
            wallMillis = System.currentTimeMillis();
        }
        return wallMillis;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }

    /** Reads the system's wall time now (before a scrape renders the windows). */
    void refresh() {
        wallMillis = System.currentTimeMillis();
    }
}
