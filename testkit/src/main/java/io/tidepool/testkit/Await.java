package io.tidepool.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling until a condition holds, for fixtures that wait on servers. Stateless. */
final class Await {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Await() {
    }

    /**
     * Polls {@code condition} every 50 ms until it is true; throws a {@link TestkitException} with {@code failure}'s
     * text after {@code timeout}. A condition that throws counts as false (a server still starting refuses).
     */
    static void until(Duration timeout, BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                String message = "gave up after " + timeout.toMillis() + " ms: " + failure.get();
                throw last == null ? new TestkitException(message) : new TestkitException(message, last);
            }
            sleep(INTERVAL);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("interrupted", e);
        }
    }
}
