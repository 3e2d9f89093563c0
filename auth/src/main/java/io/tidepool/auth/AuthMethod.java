package io.tidepool.auth;

import org.jspecify.annotations.Nullable;

import java.util.Locale;

/**
 * How a client must prove its identity: PgBouncer's {@code auth_type} values and the pg_hba.conf method keywords
 * Tidepool understands. Immutable; shared by the config parser, the hba matcher and the client session.
 */
public enum AuthMethod {
    /** No check; the user must still exist in the credential source unless {@link #ANY}. */
    TRUST("trust"),
    /** PgBouncer's {@code any}: no check, and the user name is not looked up. */
    ANY("any"),
    /** Always refuse (hba {@code reject}), 28000. */
    REJECT("reject"),
    /** Cleartext password (PgBouncer {@code plain}, hba {@code password}). */
    PASSWORD("password"),
    MD5("md5"),
    SCRAM_SHA_256("scram-sha-256"),
    /** TLS client certificate whose CN is the user name. */
    CERT("cert"),
    /** Unix-socket peer credentials (hba {@code peer}, local lines only). */
    PEER("peer"),
    /** PgBouncer {@code auth_type = hba}: the method comes from {@code auth_hba_file}. */
    HBA("hba");

    private final String keyword;

    AuthMethod(String keyword) {
        this.keyword = keyword;
    }

    /** The keyword as written in configuration. */
    public String keyword() {
        return keyword;
    }

    /** Parses PgBouncer's {@code auth_type}; {@code plain} is {@link #PASSWORD}. Null when unknown. */
    public static @Nullable AuthMethod fromAuthType(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "trust" -> TRUST;
            case "any" -> ANY;
            case "plain" -> PASSWORD;
            case "md5" -> MD5;
            case "scram-sha-256" -> SCRAM_SHA_256;
            case "cert" -> CERT;
            case "hba" -> HBA;
            default -> null;
        };
    }

    /** Parses a pg_hba.conf method keyword (case-sensitive, as PostgreSQL). Null when unknown or unsupported. */
    public static @Nullable AuthMethod fromHbaKeyword(String value) {
        return switch (value) {
            case "trust" -> TRUST;
            case "reject" -> REJECT;
            case "password" -> PASSWORD;
            case "md5" -> MD5;
            case "scram-sha-256" -> SCRAM_SHA_256;
            case "cert" -> CERT;
            case "peer" -> PEER;
            default -> null;
        };
    }
}
