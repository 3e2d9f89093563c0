package io.tidepool.pooler.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared immutable instance per distinct set of client parameters, so that equal sets are equal by reference.
 *
 * <p>Why: a transaction-pooled client is linked to a server connection for every transaction, and each link must
 * check that the server's session parameters are the client's (TimeZone, application_name...). Most clients of a pool
 * have the same parameters; a server that remembers the instance it was last found to match
 * ({@code ServerParameters.knownToMatch}) recognises the next such client with one comparison.
 *
 * <p>Bounded against clients that each send distinct values (application_name with a host or a counter): past
 * {@link #MAX_SHARED} sets, a set gets an unshared copy, which only means the full comparison runs on each link, as it
 * did before this cache. Thread-safe; called only when a client's parameters change, never per transaction.
 */
final class CanonicalParameters {
    static final int MAX_SHARED = 4096;
    private static final ConcurrentHashMap<Map<String, String>, Map<String, String>> SHARED = new ConcurrentHashMap<>();

    private CanonicalParameters() {
    }

    /** The shared instance equal to {@code parameters} (an immutable copy). */
    static Map<String, String> of(Map<String, String> parameters) {
        Map<String, String> copy = Map.copyOf(parameters);
        Map<String, String> shared = SHARED.get(copy);
        if (shared != null) {
            return shared;
        }
        if (SHARED.size() >= MAX_SHARED) {
            return copy;
        }
        shared = SHARED.putIfAbsent(copy, copy);
        return shared != null ? shared : copy;
    }
}
