package io.tidepool.routing.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link MonitorClock} that moves only when a test advances it. Thread-safe. */
final class VirtualClock implements MonitorClock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(1_700_000_000L).plusNanos(nanos.get());
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }
}
