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

    /** Relative paths are relative to the configuration file, as PgBouncer resolves them against its cwd. */
    private static Path resolve(Config config, String file) {
        Path path = Path.of(file);
        Path dir = config.source().toAbsolutePath().getParent();
        return path.isAbsolute() || dir == null ? path : dir.resolve(path);
    }
}
