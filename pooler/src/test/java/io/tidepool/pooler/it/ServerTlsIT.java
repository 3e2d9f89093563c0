package io.tidepool.pooler.it;

import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tidepool's TLS toward PostgreSQL: verify-full against {@link AuthCluster} (ssl = on, the test CA's certificate for
 * 127.0.0.1) with SCRAM over the TLS connection; a host name the certificate does not name is refused (RELIABILITY
 * case 24); require against a server without TLS fails and prefer falls back; and a backend that answers 'S'
 * followed by plaintext in the same segment is dropped before anything is read (case 8, backend side).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class ServerTlsIT {
    private AuthCluster auth;

    @BeforeAll
    void start() {
        auth = AuthCluster.get();
    }

    private TidepoolFixture.Builder builder(String mode) {
        return TidepoolFixture.builder(auth.node)
                .set("server_tls_sslmode", mode)
                .set("server_tls_ca_file", auth.certs.caCert);
    }

    @Test
    void verifyFullWithScramOverTls() throws SQLException {
        // alice's server login is SCRAM with the password from the entry; PostgreSQL offers -PLUS over TLS.
        try (TidepoolFixture pooler = builder("verify-full").rawDatabase("authdb", auth.authdbEntry()
                + " user=alice password=" + AuthCluster.ALICE_PW).start();
             Connection c = pooler.target("authdb").connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "select current_user, ssl, version from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("alice");
            assertThat(rs.getBoolean(2)).isTrue();
            System.out.println("server connection TLS version: " + rs.getString(3));
        }
    }

    @Test
    void verifyFullRefusesAHostNameTheCertificateDoesNotName() {
        try (TidepoolFixture pooler = builder("verify-full").rawDatabase("wrongname",
                "host=localhost port=" + auth.node.port() + " dbname=authdb user=postgres").start()) {
            assertThatThrownBy(() -> pooler.target("wrongname").connect().close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"));
            assertThat(pooler.logs().lines()).anyMatch(line -> line.contains("TLS handshake with server failed"));
        }
    }

    @Test
    void requireFailsAgainstAServerWithoutTlsAndPreferFallsBack() throws SQLException {
        var plain = SharedPostgres.primary();
        try (TidepoolFixture strict = TidepoolFixture.builder(plain).database("db", "postgres")
                .set("server_tls_sslmode", "require").start()) {
            assertThatThrownBy(() -> strict.target("db").connect().close())
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08001");
                        assertThat(e.getMessage()).contains("server does not support SSL");
                    });
        }
        try (TidepoolFixture lenient = TidepoolFixture.builder(plain).database("db", "postgres")
                .set("server_tls_sslmode", "prefer").start();
             Connection c = lenient.target("db").connect();
             ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void plaintextAfterTheServersSIsNeverRead() throws Exception {
        AtomicReference<String> after = new AtomicReference<>("");
        try (ServerSocket fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread backend = Thread.ofVirtual().start(() -> {
                try (Socket s = fake.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] request = in.readNBytes(8);
                    OutputStream out = s.getOutputStream();
                    // 'S' and, in the same segment, an AuthenticationOk + ReadyForQuery a MITM would love to inject.
                    out.write(new byte[] {'S', 'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I'});
                    out.flush();
                    s.setSoTimeout(3000);
                    after.set(new String(request, StandardCharsets.ISO_8859_1) + "|" + in.read());
                } catch (Exception e) {
                    after.set(after.get() + " " + e);
                }
            });
            try (TidepoolFixture pooler = TidepoolFixture.builder(auth.node).rawDatabase("fake",
                    "host=127.0.0.1 port=" + fake.getLocalPort() + " dbname=x user=postgres")
                    .set("server_tls_sslmode", "prefer").start()) {
                assertThatThrownBy(() -> pooler.target("fake").connect().close())
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo("08001"));
                assertThat(pooler.logs().lines())
                        .anyMatch(line -> line.contains("received unencrypted data after SSL response"));
            }
            backend.join(5000);
        }
        // The pooler closed the connection instead of sending a StartupMessage: the fake read end of stream.
        assertThat(after.get()).endsWith("|-1");
    }
}
