package io.tidepool.pooler.app;

import io.tidepool.auth.tls.TlsContexts;
import io.tidepool.pooler.client.ClientTls;
import io.tidepool.pooler.config.Config;
import io.tidepool.pooler.config.ConfigException;
import io.tidepool.pooler.config.Keys;
import io.tidepool.pooler.config.SslMode;
import io.tidepool.pooler.server.ServerTls;
import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.util.List;

/**
 * Builds the TLS contexts of a configuration snapshot from the {@code client_tls_*} and {@code server_tls_*} keys,
 * reading the certificate and key files as they are now: called at start and on every RELOAD/SIGHUP, so renewed
 * certificates take effect for new connections without dropping open ones. A file that cannot be read fails the
 * load (the running configuration stays). Never called on an event loop.
 */
final class TlsSetup {
    private TlsSetup() {
    }

    static ClientTls client(Config config) {
        var s = config.settings();
        SslMode mode = s.get(Keys.CLIENT_TLS_SSLMODE);
        if (mode == SslMode.DISABLE) {
            return ClientTls.disabled();
        }
        var options = new TlsContexts.Options(file(config, s.get(Keys.CLIENT_TLS_CERT_FILE)),
                file(config, s.get(Keys.CLIENT_TLS_KEY_FILE)), file(config, s.get(Keys.CLIENT_TLS_CA_FILE)),
                s.get(Keys.CLIENT_TLS_PROTOCOLS), s.get(Keys.CLIENT_TLS_CIPHERS));
        boolean requireCertificate = mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL;
        if (requireCertificate && options.caFile() == null) {
            throw new ConfigException("client_tls_sslmode " + mode.configName() + " needs client_tls_ca_file");
        }
        try {
            return new ClientTls(mode, TlsContexts.forServer(options, requireCertificate, List.of(ClientTls.ALPN)));
        } catch (Exception e) {
            throw new ConfigException("client TLS: " + e.getMessage());
        }
    }

    static ServerTls server(Config config) {
        var s = config.settings();
        SslMode mode = s.get(Keys.SERVER_TLS_SSLMODE);
        if (mode == SslMode.DISABLE) {
            return ServerTls.disabled();
        }
        var options = new TlsContexts.Options(file(config, s.get(Keys.SERVER_TLS_CERT_FILE)),
                file(config, s.get(Keys.SERVER_TLS_KEY_FILE)), file(config, s.get(Keys.SERVER_TLS_CA_FILE)),
                s.get(Keys.SERVER_TLS_PROTOCOLS), s.get(Keys.SERVER_TLS_CIPHERS));
        TlsContexts.Verification verification = switch (mode) {
            case VERIFY_FULL -> TlsContexts.Verification.FULL;
            case VERIFY_CA -> TlsContexts.Verification.CA;
            case DISABLE, ALLOW, PREFER, REQUIRE -> TlsContexts.Verification.NONE;
        };
        try {
            return new ServerTls(mode, TlsContexts.forClient(options, verification));
        } catch (Exception e) {
            throw new ConfigException("server TLS: " + e.getMessage());
        }
    }

    private static @Nullable Path file(Config config, String value) {
        if (value.isBlank()) {
            return null;
        }
        Path path = Path.of(value);
        Path dir = config.source().toAbsolutePath().getParent();
        return path.isAbsolute() || dir == null ? path : dir.resolve(path);
    }
}
