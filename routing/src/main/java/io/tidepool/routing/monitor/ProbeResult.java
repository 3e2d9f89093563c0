package io.tidepool.routing.monitor;

import io.tidepool.routing.HostRole;
import java.time.Duration;
import java.util.Objects;

/**
 * What one successful check of a host returned. Immutable.
 *
 * @param inRecovery  {@code pg_is_in_recovery()}: true on a standby
 * @param timeline    the host's timeline (see {@link RoleProbe} for where it comes from), 0 if unknown
 * @param walLsn      on a primary {@code pg_current_wal_lsn()}, on a standby {@code pg_last_wal_receive_lsn()}, as a
 *                    byte position (0 = unknown)
 * @param replayLsn   on a standby {@code pg_last_wal_replay_lsn()}, on a primary the same as {@code walLsn}
 * @param replayDelay on a standby with received WAL not yet replayed, {@code now() -
 *                    pg_last_xact_replay_timestamp()}; zero otherwise
 */
public record ProbeResult(boolean inRecovery, long timeline, long walLsn, long replayLsn, Duration replayDelay) {

    public ProbeResult {
        Objects.requireNonNull(replayDelay, "replayDelay");
        if (replayDelay.isNegative()) {
            replayDelay = Duration.ZERO;               // clock skew between replay timestamp and now()
        }
    }

    /** A primary's answer. */
    public static ProbeResult primary(long timeline, long walLsn) {
        return new ProbeResult(false, timeline, walLsn, walLsn, Duration.ZERO);
    }

    /** A standby's answer. */
    public static ProbeResult standby(long timeline, long receiveLsn, long replayLsn, Duration replayDelay) {
        return new ProbeResult(true, timeline, receiveLsn, replayLsn, replayDelay);
    }

    /** The role the host reported. */
    public HostRole role() {
        return inRecovery ? HostRole.STANDBY : HostRole.PRIMARY;
    }
}
