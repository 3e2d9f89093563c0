package io.tidepool.routing.monitor;

import io.tidepool.routing.RoutingConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Recognises a pause of the whole pooler (a long GC, SIGSTOP, a frozen VM) from the monotonic clock, as HikariCP's
 * housekeeper recognises clock jumps: a check that starts much later than it was scheduled, or one that takes much
 * longer than its timeout allows, means every thread stood still, and everything learned before may be out of date.
 * The caller then marks the topology stale so that no write is routed until each host has been checked again
 * (promise P15, RELIABILITY case 52). Pure and immutable.
 *
 * @param thresholdNanos how late a start may be ({@link RoutingConfig#pauseThreshold()})
 * @param timeoutNanos   the check timeout; a check running longer than timeout + threshold was paused too
 */
public record PauseDetector(long thresholdNanos, long timeoutNanos) {

    public PauseDetector {
        if (thresholdNanos <= 0 || timeoutNanos <= 0) {
            throw new IllegalArgumentException("pause threshold/timeout: " + thresholdNanos + "/" + timeoutNanos
                    + "ns (expected: > 0)");
        }
    }

    /** The detector for {@code config}. */
    public static PauseDetector of(RoutingConfig config) {
        return new PauseDetector(config.pauseThreshold().toNanos(), config.checkTimeout().toNanos());
    }

    /** A description of the pause if a check scheduled at {@code scheduledNanos} started too late at {@code startNanos}. */
    public Optional<String> lateStart(long scheduledNanos, long startNanos) {
        long late = startNanos - scheduledNanos;
        return late > thresholdNanos
                ? Optional.of("check started " + Duration.ofNanos(late).toMillis() + " ms after its schedule")
                : Optional.empty();
    }

    /** A description of the pause if a check that ran from {@code startNanos} to {@code endNanos} took too long. */
    public Optional<String> slowCheck(long startNanos, long endNanos) {
        long took = endNanos - startNanos;
        return took > timeoutNanos + thresholdNanos
                ? Optional.of("check took " + Duration.ofNanos(took).toMillis() + " ms (timeout "
                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms)")
                : Optional.empty();
    }
}
