package io.tidepool.routing.monitor;

import java.time.Instant;

/**
 * The two clocks a monitor reads: a monotonic one ({@link System#nanoTime()}) for schedules, leases and pause
 * detection, and the wall clock for what people read in {@code SHOW HOSTS}. Tests substitute a clock they advance by
 * hand. Implementations must be thread-safe.
 */
public interface MonitorClock {
    /** The system clocks. */
    MonitorClock SYSTEM = new MonitorClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant instant() {
            return Instant.now();
        }
    };

    /** Monotonic nanoseconds, comparable only with other values of the same clock. */
    long nanoTime();

    /** The wall-clock time. */
    Instant instant();
}
