package io.tidepool.pooler.config;

import java.util.Locale;

/**
 * {@code client_tls_sslmode} / {@code server_tls_sslmode}: libpq's sslmode names, as PgBouncer's {@code sslmode_map}.
 * The meaning differs per side (for clients, {@code verify-*} means "request a client certificate"); the TLS code
 * interprets it, this enum only names it.
 */
public enum SslMode {
    DISABLE("disable"),
    ALLOW("allow"),
    PREFER("prefer"),
    REQUIRE("require"),
    VERIFY_CA("verify-ca"),
    VERIFY_FULL("verify-full");

    private final String configName;

    SslMode(String configName) {
        this.configName = configName;
    }

    /** PgBouncer's spelling, as SHOW CONFIG prints it. */
    public String configName() {
        return configName;
    }

    /** Case-insensitive like PgBouncer's {@code cf_set_lookup}; {@code null} when unknown. */
    static SslMode lookup(String value) {
        var lower = value.toLowerCase(Locale.ROOT);
        for (var mode : values()) {
            if (mode.configName.equals(lower)) {
                return mode;
            }
        }
        return null;
    }
}
