package io.tidepool.routing;

import java.util.Locale;

/**
 * Which hosts a database entry may use, with libpq's {@code target_session_attrs} values
 * (libpq-connect.html#LIBPQ-CONNECT-TARGET-SESSION-ATTRS). Tidepool decides by the role its monitor observed, not by
 * asking each new connection, so {@code read-only} means "a standby" here (libpq would also take a primary with
 * {@code default_transaction_read_only = on}).
 */
public enum TargetSessionAttrs {
    /** Any host that serves traffic: the primary or a qualifying standby. */
    ANY,
    /** The primary only; writes wait while there is none. Same as {@link #PRIMARY}. */
    READ_WRITE,
    /** The primary only. */
    PRIMARY,
    /** Standbys only ({@code read_fallback_to_primary} may allow the primary when none qualifies). */
    READ_ONLY,
    /** Same as {@link #READ_ONLY}. */
    STANDBY,
    /** Standbys, else the primary. */
    PREFER_STANDBY;

    /** Parses libpq's spelling: {@code any}, {@code read-write}, {@code primary}, {@code read-only}, ... */
    public static TargetSessionAttrs parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "any" -> ANY;
            case "read-write" -> READ_WRITE;
            case "primary" -> PRIMARY;
            case "read-only" -> READ_ONLY;
            case "standby" -> STANDBY;
            case "prefer-standby" -> PREFER_STANDBY;
            default -> throw new IllegalArgumentException("target_session_attrs: \"" + value
                    + "\" (expected: any, read-write, primary, read-only, standby or prefer-standby)");
        };
    }

    /** Whether this target sends writes, so that it must wait for (and only use) the verified primary. */
    public boolean needsPrimary() {
        return switch (this) {
            case READ_WRITE, PRIMARY -> true;
            case ANY, READ_ONLY, STANDBY, PREFER_STANDBY -> false;
        };
    }

    /** libpq's spelling. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
