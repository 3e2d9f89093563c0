package io.tidepool.routing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition every 20 ms until it holds or a generous deadline passes (then fails with a message). */
public final class Poll {

    private Poll() {
    }

    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + timeout.toMillis() + " ms: " + failure.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
