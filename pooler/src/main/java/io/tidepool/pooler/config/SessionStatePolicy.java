package io.tidepool.pooler.config;

import org.jspecify.annotations.Nullable;

import java.util.Locale;

/** Values of {@code session_state_policy} (Tidepool's key; see {@link Keys#SESSION_STATE_POLICY}). */
public enum SessionStatePolicy {
    /** Log once per client and count it; the client goes on (PgBouncer's behaviour, plus the log and metric). */
    WARN,
    /** End the client with 0A000 and a message naming the feature. */
    REFUSE;

    static @Nullable SessionStatePolicy lookup(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "warn" -> WARN;
            case "refuse" -> REFUSE;
            default -> null;
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
