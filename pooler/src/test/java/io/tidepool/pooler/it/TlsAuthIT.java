package io.tidepool.pooler.it;

import io.tidepool.pooler.it.RawClient.Outcome;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.ProcessResult;
import io.tidepool.testkit.Psql;
import io.tidepool.testkit.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 4 acceptance with real clients against {@link AuthCluster} (a PostgreSQL that requires SCRAM and has
 * ssl = on): psql with sslmode=verify-full and channel_binding=require, SCRAM pass-through with no password in the
 * configuration, JDBC with SCRAM, md5 and cleartext clients, a client certificate with hba {@code cert}, wrong
 * password (28P01) and hba reject (28000), PostgreSQL 17 direct TLS with and without ALPN, client_tls_sslmode=require
 * refusing plaintext, and a certificate renewed by RELOAD while a TLS session stays open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class TlsAuthIT {
    private AuthCluster auth;
    private TestCerts certs;
    private Path configDir;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() throws IOException {
        auth = AuthCluster.get();
        certs = auth.certs;
        configDir = TempDirs.create("tidepool-tlsauth-");
        pooler = builder("prefer").start();
    }

    TidepoolFixture.Builder builder(String clientSslMode) {
        // The pooler's own certificate files are copies, so that the reload test can renew them.
        Path own = configDir.resolve("pooler-" + clientSslMode);
        certs.copyServerFilesTo(own);
        return TidepoolFixture.builder(auth.node)
                .rawDatabase("authdb", auth.authdbEntry())
                .set("client_login_timeout", 10)
                .set("auth_type", "hba")
                .set("auth_hba_file", AuthCluster.writePoolerHba(configDir))
                .set("auth_file", auth.writeAuthFile(configDir))
                .set("client_tls_sslmode", clientSslMode)
                .set("client_tls_cert_file", own.resolve("server.crt"))
                .set("client_tls_key_file", own.resolve("server.key"))
                .set("client_tls_ca_file", certs.caCert)
                .set("server_tls_sslmode", "verify-full")
                .set("server_tls_ca_file", certs.caCert);
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
        if (configDir != null) {
            TempDirs.delete(configDir);
        }
    }

    private PgTarget verifyFull(String user, String password) {
        return AuthCluster.through(pooler, user, password)
                .withEnv("PGSSLMODE", "verify-full")
                .withEnv("PGSSLROOTCERT", certs.caCert.toString());
    }

    @Test
    void psqlVerifyFullWithChannelBindingRequireAndScramPassThrough() {
        PgTarget target = verifyFull("alice", AuthCluster.ALICE_PW).withEnv("PGCHANNELBINDING", "require");
        // current_user proves the server login as alice (pass-through: auth_file has only her verifier); pg_stat_ssl
        // proves the server connection is TLS (server_tls_sslmode=verify-full).
        String out = Psql.query(target, "select current_user, ssl from pg_stat_ssl where pid = pg_backend_pid()");
        assertThat(out).isEqualTo("alice|t");
    }

    @Test
    void jdbcScramLogin() throws SQLException {
        try (Connection c = AuthCluster.through(pooler, "alice", AuthCluster.ALICE_PW).connect();
             ResultSet rs = c.createStatement().executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("alice");
        }
    }

    @Test
    void jdbcScramOverTls() throws SQLException {
        PgTarget target = AuthCluster.through(pooler, "alice", AuthCluster.ALICE_PW).withEnv("PGSSLMODE", "require");
        try (Connection c = target.connect();
             ResultSet rs = c.createStatement().executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("alice");
        }
    }

    @Test
    void md5ClientLogsIn() {
        PgTarget target = AuthCluster.through(pooler, "bob", AuthCluster.BOB_PW).withEnv("PGSSLMODE", "disable");
        assertThat(Psql.query(target, "select current_user")).isEqualTo("bob");
    }

    @Test
    void cleartextClientLogsIn() {
        PgTarget target = AuthCluster.through(pooler, "plainuser", AuthCluster.PLAIN_PW);
        assertThat(Psql.query(target, "select current_user")).isEqualTo("plainuser");
    }

    @Test
    void clientCertificateWithCertMethod() {
        PgTarget target = verifyFull("certuser", "")
                .withEnv("PGSSLCERT", certs.clientCert.toString())
                .withEnv("PGSSLKEY", certs.clientKey.toString());
        assertThat(Psql.query(target, "select current_user")).isEqualTo("certuser");
    }

    @Test
    void certMethodRefusesMissingWrongAndUntrustedCertificates() {
        ProcessResult none = Psql.run(verifyFull("certuser", ""), "-c", "select 1");
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.stderr()).contains("connection requires a valid client certificate");

        ProcessResult otherCn = Psql.run(verifyFull("certuser", "")
                .withEnv("PGSSLCERT", certs.aliceCert.toString())
                .withEnv("PGSSLKEY", certs.aliceKey.toString()), "-c", "select 1");
        assertThat(otherCn.exitCode()).isNotZero();
        assertThat(otherCn.stderr()).contains("certificate authentication failed for user \"certuser\"");

        ProcessResult rogue = Psql.run(verifyFull("certuser", "")
                .withEnv("PGSSLCERT", certs.rogueCert.toString())
                .withEnv("PGSSLKEY", certs.rogueKey.toString()), "-c", "select 1");
        assertThat(rogue.exitCode()).isNotZero();
        assertThat(rogue.stderr()).doesNotContain("certuser|");

        ProcessResult plaintext = Psql.run(AuthCluster.through(pooler, "certuser", "")
                .withEnv("PGSSLMODE", "disable"), "-c", "select 1");
        assertThat(plaintext.exitCode()).isNotZero();
        assertThat(plaintext.stderr()).contains("pg_hba.conf rejects connection").contains("no encryption");
    }

    @Test
    void wrongPasswordIs28P01() {
        assertThatThrownBy(() -> AuthCluster.through(pooler, "alice", "not-her-password").connect().close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        assertThatThrownBy(() -> AuthCluster.through(pooler, "bob", "wrong").connect().close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void hbaRejectIs28000() {
        assertThatThrownBy(() -> AuthCluster.through(pooler, "rejected", "x").connect().close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("pg_hba.conf rejects connection");
                });
    }

    @Test
    void directTlsWithAlpnIsAccepted() throws IOException {
        try (SSLSocket socket = TlsSockets.direct(pooler.host(), pooler.port(), certs, new String[] {"postgresql"});
             RawClient client = RawClient.over(socket)) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("postgresql");
            client.login("postgres", "authdb");
            assertThat(client.query("select 1").getLast().type()).isEqualTo((byte) 'Z');
        }
    }

    @Test
    void directTlsWithoutAlpnIsRefused() throws IOException {
        try (SSLSocket socket = TlsSockets.direct(pooler.host(), pooler.port(), certs, null);
             RawClient client = RawClient.over(socket)) {
            client.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "authdb"));
            Outcome outcome = client.untilClosed(Duration.ofSeconds(5));
            assertThat(outcome.closed()).as(outcome.toString()).isTrue();
            assertThat(outcome.messages()).noneMatch(m -> m.type() == 'R');
            assertThat(outcome.errorMessage()).contains("ALPN");
        }
    }

    @Test
    void plaintextAfterSslRequestInOneWriteIsRefused() {
        try (RawClient client = RawClient.connect(pooler.host(), pooler.port())) {
            client.send(RawClient.concat(RawClient.sslRequest(),
                    RawClient.startup(RawClient.PROTOCOL_3_0, "user", "certuser", "database", "authdb")));
            Outcome outcome = client.untilClosed(Duration.ofSeconds(5));
            assertThat(outcome.closed()).isTrue();
            assertThat(outcome.messages()).noneMatch(m -> m.type() == 'R');
            assertThat(pooler.logs().await(Duration.ofSeconds(5), line -> line.contains(client.peer())
                    && line.contains("received unencrypted data after SSL request"))).isNotNull();
        }
    }

    @Test
    void requireRefusesPlaintextLogins() {
        try (TidepoolFixture strict = builder("require").start()) {
            PgTarget plain = AuthCluster.through(strict, "alice", AuthCluster.ALICE_PW).withEnv("PGSSLMODE", "disable");
            ProcessResult refused = Psql.run(plain, "-c", "select 1");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("SSL required");
            PgTarget tls = AuthCluster.through(strict, "alice", AuthCluster.ALICE_PW).withEnv("PGSSLMODE", "require");
            assertThat(Psql.query(tls, "select current_user")).isEqualTo("alice");
        }
    }

    @Test
    void reloadRenewsCertificateWithoutDroppingConnections() throws Exception {
        try (TidepoolFixture reloading = builder("allow").start();
             Connection open = AuthCluster.through(reloading, "alice", AuthCluster.ALICE_PW)
                     .withEnv("PGSSLMODE", "require").connect()) {
            BigInteger before;
            try (SSLSocket s = TlsSockets.afterSslRequest(reloading.host(), reloading.port(), certs, null, null)) {
                before = TlsSockets.peerCertificate(s).getSerialNumber();
            }
            // Renew the pooler's files in place (same paths), as an operator's certbot would, then RELOAD.
            Path own = configDir.resolve("pooler-allow");
            certs.renewServer();
            certs.copyServerFilesTo(own);
            assertThat(reloading.tidepool().reload()).isTrue();
            BigInteger after;
            try (SSLSocket s = TlsSockets.afterSslRequest(reloading.host(), reloading.port(), certs, null, null)) {
                after = TlsSockets.peerCertificate(s).getSerialNumber();
            }
            System.out.println("server certificate serial before reload " + before + ", after " + after);
            assertThat(after).isNotEqualTo(before);
            try (ResultSet rs = open.createStatement().executeQuery("select current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("alice");
            }
        }
    }
}
