package io.tidepool.vip.state;

/** A monotonic clock in nanoseconds ({@link System#nanoTime()}, never wall time). Tests inject a virtual one. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();
}
