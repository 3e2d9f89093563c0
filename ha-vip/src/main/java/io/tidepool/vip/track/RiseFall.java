package io.tidepool.vip.track;

/**
 * keepalived's rise/fall hysteresis for one check ({@code vrrp_script}): a check becomes OK after {@code rise}
 * consecutive successes and FAILED after {@code fall} consecutive failures; results against the trend in between
 * move a counter without changing the state, so an alternating check does not flap (RELIABILITY case 56). The first
 * result decides the initial state at once (keepalived starts the counter at {@code rise - 1}).
 *
 * <p>Not thread-safe: owned by the check's virtual thread.
 */
public final class RiseFall {
    private final int rise;
    private final int fall;
    private int streak;
    private CheckStatus status = CheckStatus.UNKNOWN;

    public RiseFall(int rise, int fall) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise/fall: " + rise + "/" + fall + " (expected: >= 1)");
        }
        this.rise = rise;
        this.fall = fall;
    }

    /** Records one result and returns the (possibly new) status. */
    public CheckStatus record(boolean success) {
        if (status == CheckStatus.UNKNOWN) {
            status = success ? CheckStatus.OK : CheckStatus.FAILED;
            streak = 0;
            return status;
        }
        boolean againstTrend = success != (status == CheckStatus.OK);
        if (!againstTrend) {
            streak = 0;
            return status;
        }
        streak++;
        if (streak >= (success ? rise : fall)) {
            status = success ? CheckStatus.OK : CheckStatus.FAILED;
            streak = 0;
        }
        return status;
    }

    public CheckStatus status() {
        return status;
    }
}
