package io.tidepool.pooler.app;

import io.tidepool.auth.AuthMethod;
import io.tidepool.auth.hba.HbaFile;
import io.tidepool.auth.source.CredentialSource;
import io.tidepool.auth.source.UserlistFile;
import io.tidepool.pooler.client.ClientAuthenticator;
import io.tidepool.pooler.config.Config;
import io.tidepool.pooler.config.ConfigException;
import io.tidepool.pooler.config.Keys;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads auth_file and auth_hba_file for a configuration snapshot (at start and on reload, never on an event loop).
 * A file that cannot be read fails the load, so a reload with a broken auth_file keeps the running configuration.
 */
final class AuthSetup {
    private AuthSetup() {
    }

    static CredentialSource credentials(Config config) {
        String file = config.settings().get(Keys.AUTH_FILE);
        if (file.isBlank()) {
            return ClientAuthenticator.none();
        }
        try {
            return UserlistFile.load(resolve(config, file));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("auth_file " + file + ": " + e.getMessage());
        }
    }

    static ClientAuthenticator authenticator(Config config) {
        var s = config.settings();
        AuthMethod method = switch (s.get(Keys.AUTH_TYPE)) {
            case TRUST -> AuthMethod.TRUST;
            case ANY -> AuthMethod.ANY;
            case PLAIN -> AuthMethod.PASSWORD;
            case MD5 -> AuthMethod.MD5;
            case SCRAM_SHA_256 -> AuthMethod.SCRAM_SHA_256;
            case CERT -> AuthMethod.CERT;
            case HBA -> AuthMethod.HBA;
        };
        HbaFile hba = null;
        String hbaFile = s.get(Keys.AUTH_HBA_FILE);
        if (method == AuthMethod.HBA && !hbaFile.isBlank()) {
            try {
                hba = HbaFile.load(resolve(config, hbaFile));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("auth_hba_file " + hbaFile + ": " + e.getMessage());
            }
        }
        return new ClientAuthenticator(method, hba, credentials(config), !s.get(Keys.AUTH_FILE).isBlank());
    }

    /**
     * auth_query with auth_user (global, or a database entry's {@code auth_user=}) and auth_dbname: null when no
     * auth_user is configured anywhere. auth_user's password comes from the database entry's {@code password=} when
     * the entry logs in as auth_user, else from auth_file (a plaintext secret; none for trust).
     */
    static io.tidepool.pooler.client.@org.jspecify.annotations.Nullable AuthQuery authQuery(Config config) {
        var s = config.settings();
        String globalUser = s.get(Keys.AUTH_USER);
        boolean any = !globalUser.isBlank()
                || config.databases().values().stream().anyMatch(d -> d.authUser() != null);
        if (!any) {
            return null;
        }
        CredentialSource credentials = credentials(config);
        String authDb = s.get(Keys.AUTH_DBNAME);
        return new io.tidepool.pooler.client.AuthQuery(s.get(Keys.AUTH_QUERY), database -> {
            var entry = config.database(authDb.isBlank() ? database : authDb).orElse(null);
            if (entry == null) {
                return null;
            }
            String user = entry.authUser() != null ? entry.authUser() : globalUser;
            if (user.isBlank() || entry.hosts().isEmpty()) {
                return null;
            }
            String password = user.equals(entry.user()) && entry.password() != null ? entry.password()
                    : credentials.find(user).orElse(null) instanceof io.tidepool.auth.PlainPassword p
                            ? p.password() : null;
            return new io.tidepool.pooler.client.AuthQuery.Target(entry.hosts().getFirst(), entry.port(),
                    entry.dbname(), user, password);
        }, AUTH_QUERY_TTL);
    }

    /** How long an auth_query answer is reused (a changed password takes effect after at most this long). */
    static final java.time.Duration AUTH_QUERY_TTL = java.time.Duration.ofSeconds(30);

    /** Relative paths are relative to the configuration file, as PgBouncer resolves them against its cwd. */
    private static Path resolve(Config config, String file) {
        Path path = Path.of(file);
        Path dir = config.source().toAbsolutePath().getParent();
        return path.isAbsolute() || dir == null ? path : dir.resolve(path);
    }
}
