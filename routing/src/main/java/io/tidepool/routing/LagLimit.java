package io.tidepool.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * How far behind the primary a standby may be and still get reads ({@code max_standby_lag_bytes} and
 * {@code max_standby_lag_seconds} of {@link RoutingConfig}). A standby qualifies only if it is within both limits; a
 * limit of zero is "no limit" for that measure. Immutable.
 *
 * @param bytes WAL bytes the standby has not replayed yet, {@code 0} for no byte limit
 * @param delay replay delay ({@code now() - pg_last_xact_replay_timestamp()} while WAL is pending), {@link
 *              Duration#ZERO} for no time limit
 */
public record LagLimit(long bytes, Duration delay) {
    /** No limit at all: every reachable standby qualifies. */
    public static final LagLimit NONE = new LagLimit(0, Duration.ZERO);

    public LagLimit {
        if (bytes < 0) {
            throw new IllegalArgumentException("max standby lag bytes: " + bytes + " (expected: >= 0)");
        }
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("max standby lag delay: " + delay + " (expected: >= 0)");
        }
    }

    /** Whether a standby with these measurements is within the limit. */
    public boolean admits(long lagBytes, Duration replayDelay) {
        boolean bytesOk = bytes == 0 || lagBytes <= bytes;
        boolean delayOk = delay.isZero() || replayDelay.compareTo(delay) <= 0;
        return bytesOk && delayOk;
    }
}
