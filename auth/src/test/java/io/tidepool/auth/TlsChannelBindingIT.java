package io.tidepool.auth;

import io.tidepool.auth.pg.PgTestServer;
import io.tidepool.auth.pg.PgWireClient;
import io.tidepool.auth.scram.ScramClientExchange;
import io.tidepool.auth.tls.ChannelBinding;
import io.tidepool.auth.tls.TlsContexts;
import io.tidepool.wire.backend.AuthenticationOk;
import io.tidepool.wire.backend.AuthenticationSASL;
import io.tidepool.wire.backend.AuthenticationSASLContinue;
import io.tidepool.wire.backend.AuthenticationSASLFinal;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.frontend.SASLInitialResponse;
import io.tidepool.wire.frontend.SASLResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SCRAM-SHA-256-PLUS with tls-server-end-point against a real PostgreSQL 15 over TLS: our TlsContexts client context
 * verifies the server against its CA, ChannelBinding hashes the certificate PostgreSQL presented, and the server
 * accepts the binding only if both sides computed the same bytes. A wrong binding must be refused.
 */
class TlsChannelBindingIT {
    private static final String PASSWORD = "plus-pass";
    private static PgTestServer server;
    private static Path certDir;

    @BeforeAll
    static void start() throws Exception {
        certDir = Files.createTempDirectory("tidepool-auth-tls");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                certDir.resolve("key.pem").toString(), "-out", certDir.resolve("cert.pem").toString(), "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl").isTrue();
        server = PgTestServer.start();
        server.installFile(certDir.resolve("cert.pem"), "server.crt");
        server.installFile(certDir.resolve("key.pem"), "server.key");
        server.sql("ALTER SYSTEM SET ssl = on");
        server.sql("SET password_encryption = 'scram-sha-256'; CREATE ROLE plus_user LOGIN PASSWORD '" + PASSWORD
                + "'");
        server.setHba("hostssl all plus_user 127.0.0.1/32 scram-sha-256");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (String name : new String[] {"key.pem", "cert.pem"}) {
            Files.deleteIfExists(certDir.resolve(name));
        }
        Files.deleteIfExists(certDir);
    }

    private static String login(boolean tamperBinding) throws Exception {
        var context = TlsContexts.forClient(TlsContexts.Options.of(null, null, certDir.resolve("cert.pem")),
                TlsContexts.Verification.CA);
        try (var client = new PgWireClient(server.port())) {
            byte[] binding = ChannelBinding.tlsServerEndPoint(client.startTls(context));
            if (tamperBinding) {
                binding[0] ^= 1;
            }
            client.startup("plus_user", "postgres");
            ScramClientExchange exchange = null;
            while (true) {
                var message = client.read();
                if (message.type() == ErrorResponse.TYPE) {
                    return message.error().code();
                }
                switch (message.authentication()) {
                    case AuthenticationSASL(var mechanisms) -> {
                        assertThat(mechanisms).contains("SCRAM-SHA-256-PLUS");
                        exchange = ScramClientExchange.withPassword(PASSWORD, mechanisms, binding,
                                ScramClientExchange.Options.DEFAULT);
                        assertThat(exchange.mechanism()).isEqualTo("SCRAM-SHA-256-PLUS");
                        client.send(new SASLInitialResponse(exchange.mechanism(), exchange.clientFirstMessage()));
                    }
                    case AuthenticationSASLContinue c -> client.send(new SASLResponse(
                            exchange.handleServerFirst(c.data())));
                    case AuthenticationSASLFinal f -> exchange.verifyServerFinal(f.data());
                    case AuthenticationOk ok -> {
                        return exchange.isDone() ? "ok" : "ok-without-server-signature";
                    }
                    default -> throw new AssertionError("unexpected " + message.authentication());
                }
            }
        }
    }

    @Test
    void scramSha256PlusWithTlsServerEndPointReachesAuthenticationOk() throws Exception {
        assertThat(login(false)).isEqualTo("ok");
    }

    @Test
    void aWrongChannelBindingIsRefusedByPostgres() throws Exception {
        // PostgreSQL reports "SCRAM channel binding check failed" as 28000 (auth-scram.c).
        assertThat(login(true)).isEqualTo("28000");
    }
}
