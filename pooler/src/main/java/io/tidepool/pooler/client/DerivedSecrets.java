package io.tidepool.pooler.client;

import io.tidepool.auth.Credential;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.scram.ScramKeys;
import org.jspecify.annotations.Nullable;

import java.util.concurrent.ConcurrentHashMap;

/**
 * SCRAM verifiers derived from plaintext auth_file passwords, kept for the life of the process (PgBouncer 1.25's
 * "ad-hoc SCRAM" cache, #1338): without it every SCRAM login of such a user costs a 4096-round PBKDF2 on the pooler.
 * Keyed by user and password, so a changed password derives a new one. Bounded: cleared when it grows past
 * {@link #MAX}. Thread-safe.
 */
final class DerivedSecrets {
    static final int MAX = 10_000;
    private static final ConcurrentHashMap<String, Credential> CACHE = new ConcurrentHashMap<>();

    private DerivedSecrets() {
    }

    /** The credential to run a SCRAM exchange with: a cached verifier for a plaintext password, else as given. */
    static @Nullable Credential forScram(String user, @Nullable Credential credential) {
        if (!(credential instanceof PlainPassword plain)) {
            return credential;
        }
        if (CACHE.size() >= MAX) {
            CACHE.clear();
        }
        return CACHE.computeIfAbsent(user + '\0' + plain.password(),
                key -> ScramKeys.newSecret(plain.password(), ScramKeys.DEFAULT_ITERATIONS));
    }
}
