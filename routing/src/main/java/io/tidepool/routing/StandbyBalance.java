package io.tidepool.routing;

import java.util.Locale;

/** How {@link RoutingPolicy} spreads reads over the qualifying standbys ({@code standby_balance} in {@code [routing]}). */
public enum StandbyBalance {
    /** Each pick takes the next qualifying standby (HAProxy's {@code balance roundrobin}). */
    ROUND_ROBIN,
    /** The qualifying standby with the fewest unreplayed WAL bytes; ties go by configuration order. */
    LEAST_LAG,
    /** A uniformly random qualifying standby. */
    RANDOM;

    /** Parses the configuration spelling: {@code round_robin}, {@code least_lag}, {@code random}. */
    public static StandbyBalance parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "round_robin" -> ROUND_ROBIN;
            case "least_lag" -> LEAST_LAG;
            case "random" -> RANDOM;
            default -> throw new IllegalArgumentException("standby_balance: \"" + value
                    + "\" (expected: round_robin, least_lag or random)");
        };
    }

    /** The configuration spelling. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
