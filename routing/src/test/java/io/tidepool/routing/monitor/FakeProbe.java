package io.tidepool.routing.monitor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted {@link HostProbe}: answers with whatever {@link #answer} was last set to, or fails with {@link #fail}.
 * For unit tests of the monitor logic only; the real probe is tested against PostgreSQL in the ITs.
 */
final class FakeProbe implements HostProbe {
    private volatile ProbeResult answer = ProbeResult.standby(1, 1000, 1000, java.time.Duration.ZERO);
    private volatile String failure;
    private volatile long sleepMillis;
    final AtomicInteger checks = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    FakeProbe answer(ProbeResult result) {
        answer = result;
        failure = null;
        return this;
    }

    FakeProbe fail(String message) {
        failure = message;
        return this;
    }

    FakeProbe sleep(long millis) {
        sleepMillis = millis;
        return this;
    }

    @Override
    public ProbeResult check() throws Exception {
        checks.incrementAndGet();
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);                 // interruptible, like a socket read on a virtual thread
        }
        String f = failure;
        if (f != null) {
            throw new java.sql.SQLException(f, "08006");
        }
        return answer;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
