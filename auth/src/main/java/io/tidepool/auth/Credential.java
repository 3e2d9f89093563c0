package io.tidepool.auth;

import io.tidepool.auth.md5.Md5Password;

/**
 * What the pooler knows about a user's password: the plaintext, PostgreSQL's {@code md5} secret or a SCRAM-SHA-256
 * verifier. Immutable; {@code toString()} never shows the secret. Produced by credential sources (auth_file,
 * auth_query) and consumed by the exchanges.
 */
public sealed interface Credential permits PlainPassword, Md5Secret, ScramSecret {

    /**
     * Classifies a stored secret as PgBouncer's {@code get_password_type} does: {@code md5} + 32 hex digits is an md5
     * secret, a well-formed {@code SCRAM-SHA-256$...} verifier is a SCRAM secret, anything else is a plaintext
     * password.
     */
    static Credential parse(String secret) {
        if (Md5Password.isMd5Secret(secret)) {
            return new Md5Secret(secret);
        }
        ScramSecret scram = ScramSecret.tryParse(secret);
        return scram != null ? scram : new PlainPassword(secret);
    }
}
