package io.tidepool.vip.state;

/** A virtual monotonic clock; starts at an arbitrary large value to catch code that assumes 0. */
final class FakeClock implements Clock {
    private long now = 7_000_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    void advanceMillis(long millis) {
        now += millis * 1_000_000L;
    }

    void advanceNanos(long nanos) {
        now += nanos;
    }
}
