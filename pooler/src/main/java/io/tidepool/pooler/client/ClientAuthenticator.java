package io.tidepool.pooler.client;

import io.tidepool.auth.AuthMethod;
import io.tidepool.auth.Credential;
import io.tidepool.auth.hba.HbaFile;
import io.tidepool.auth.hba.HbaRequest;
import io.tidepool.auth.source.CredentialSource;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Decides how a client must authenticate (auth_type, or the auth_hba_file's first matching line) and where its
 * secret comes from (auth_file). Immutable; part of a configuration snapshot.
 *
 * @param authType    the configured auth_type (HBA means: ask {@code hba})
 * @param hba         the parsed auth_hba_file, when auth_type is hba
 * @param credentials auth_file's users (an empty source when auth_file is unset)
 * @param authFileSet whether auth_file is configured: trust then still requires the user to be listed, as PgBouncer
 */
public record ClientAuthenticator(AuthMethod authType, @Nullable HbaFile hba, CredentialSource credentials,
                                  boolean authFileSet) {

    /** The method for this login. */
    public AuthMethod methodFor(String database, String user, @Nullable InetAddress address, boolean tls) {
        if (authType != AuthMethod.HBA) {
            return authType;
        }
        if (hba == null) {
            return AuthMethod.REJECT;
        }
        HbaRequest request = address == null ? HbaRequest.local(database, user)
                : new HbaRequest(address, tls, database, user);
        return hba.methodFor(request);
    }

    public Optional<Credential> credentialFor(String user) {
        return credentials.find(user);
    }

    /** A source that knows nobody. */
    public static CredentialSource none() {
        return user -> Optional.empty();
    }
}
