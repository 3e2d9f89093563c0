package io.tidepool.auth.source;

import io.tidepool.auth.Credential;

import java.util.Optional;

/**
 * Looks up what the pooler knows about a user's password. Implementations are immutable snapshots (auth_file) or
 * caches (auth_query, in the pooler); {@link #find} must not block an event loop, so blocking sources answer from a
 * cache and refresh elsewhere.
 */
@FunctionalInterface
public interface CredentialSource {
    /** The credential for {@code user}, or empty when the user is unknown to this source. */
    Optional<Credential> find(String user);
}
