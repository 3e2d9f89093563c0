package io.tidepool.pooler.config;

import java.util.Locale;

/**
 * PgBouncer's {@code auth_type} values that Tidepool supports. PgBouncer's {@code pam} and {@code ldap} (build options
 * there) are not supported: {@link Keys#AUTH_TYPE} rejects them with a message that says so, instead of starting with
 * an authentication method that would fail every login.
 */
public enum AuthType {
    /** No password; the user name the client sends is trusted. */
    TRUST("trust"),
    /** Like trust, but the user name is ignored (PgBouncer: requires forced users in [databases]). */
    ANY("any"),
    /** Clear-text password against auth_file / auth_query. */
    PLAIN("plain"),
    /** MD5, upgraded to SCRAM-SHA-256 when the stored secret is a SCRAM secret (PgBouncer 1.25 behaviour). */
    MD5("md5"),
    /** SCRAM-SHA-256. */
    SCRAM_SHA_256("scram-sha-256"),
    /** TLS client certificate; the certificate's common name is the user name. */
    CERT("cert"),
    /** Per-connection method chosen by the rules in {@code auth_hba_file}. */
    HBA("hba");

    private final String configName;

    AuthType(String configName) {
        this.configName = configName;
    }

    /** PgBouncer's spelling, as SHOW CONFIG prints it. */
    public String configName() {
        return configName;
    }

    /** Case-insensitive like PgBouncer's {@code cf_set_lookup}; {@code null} when unknown. */
    static AuthType lookup(String value) {
        var lower = value.toLowerCase(Locale.ROOT);
        for (var type : values()) {
            if (type.configName.equals(lower)) {
                return type;
            }
        }
        return null;
    }
}
