package io.tidepool.pooler.it;

import io.tidepool.auth.md5.Md5Password;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresCluster;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.ServerUser;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL of its own for the authentication tests, shared by those classes in the JVM: {@code ssl = on} with
 * {@link TestCerts}'s server certificate, and a pg_hba.conf that requires SCRAM of everybody but {@code postgres}
 * (trust, the auth_user), {@code certuser} (trust: Tidepool checks its certificate) and {@code bob} (md5). Roles:
 * alice and plainuser (SCRAM), bob (md5 secret), aquser (SCRAM, known to Tidepool only through auth_query),
 * nopass (no password), expired (VALID UNTIL in the past). Database {@code authdb}. Stopped at JVM exit by the
 * cluster's hook. Thread-safe.
 */
final class AuthCluster {
    static final String ALICE_PW = "alice-Pw-7c1e9";
    static final String BOB_PW = "bob-Pw-55a0d";
    static final String PLAIN_PW = "plain-Pw-3b2f4";
    static final String AQ_PW = "aq-Pw-e6f7a8";
    static final String EXPIRED_PW = "expired-Pw-19d3";

    private static @Nullable AuthCluster instance;

    final TestCerts certs;
    final PostgresCluster cluster;
    final PostgresNode node;

    private AuthCluster(TestCerts certs, PostgresCluster cluster) {
        this.certs = certs;
        this.cluster = cluster;
        this.node = cluster.primary();
    }

    static synchronized AuthCluster get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static AuthCluster start() {
        TestCerts certs = TestCerts.create();
        Path pgCerts;
        try {
            pgCerts = TestCerts.tempDirDeletedAtExit("tidepool-pgcerts-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        certs.copyServerFilesTo(pgCerts);
        ServerUser.get().own(pgCerts);
        PostgresCluster cluster = PostgresCluster.builder()
                .setting("ssl", "on")
                .setting("ssl_cert_file", pgCerts.resolve("server.crt").toString())
                .setting("ssl_key_file", pgCerts.resolve("server.key").toString())
                .setting("ssl_ca_file", pgCerts.resolve("ca.crt").toString())
                .setting("password_encryption", "scram-sha-256")
                .start();
        AuthCluster auth = new AuthCluster(certs, cluster);
        PostgresNode node = auth.node;
        node.execute("create database authdb");
        node.execute("create role alice login password '" + ALICE_PW + "'");
        node.execute("create role plainuser login password '" + PLAIN_PW + "'");
        node.execute("create role aquser login password '" + AQ_PW + "'");
        node.execute("create role bob login password '" + Md5Password.storedSecret("bob", BOB_PW) + "'");
        node.execute("create role certuser login");
        node.execute("create role nopass login");
        node.execute("create role expired login password '" + EXPIRED_PW + "' valid until '2000-01-01'");
        node.writeHba("""
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all certuser 127.0.0.1/32 trust
                host all bob 127.0.0.1/32 md5
                host all all 127.0.0.1/32 scram-sha-256
                """);
        node.reload();
        return auth;
    }

    /** What PostgreSQL stores for {@code role} (SCRAM verifier or md5 secret). */
    String secretOf(String role) {
        String secret = node.queryString("select rolpassword from pg_authid where rolname = '" + role + "'");
        if (secret == null) {
            throw new IllegalStateException("role " + role + " has no password");
        }
        return secret;
    }

    /** An auth_file for Tidepool: alice's SCRAM verifier, bob's md5 secret, plainuser's plaintext, no aquser. */
    Path writeAuthFile(Path dir) {
        String text = "\"alice\" \"" + secretOf("alice") + "\"\n"
                + "\"bob\" \"" + secretOf("bob") + "\"\n"
                + "\"plainuser\" \"" + PLAIN_PW + "\"\n"
                + "\"certuser\" \"\"\n"
                + "\"postgres\" \"\"\n"
                + "\"rejected\" \"\"\n";
        try {
            Path file = dir.resolve("userlist.txt");
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pg_hba.conf for Tidepool itself (auth_type = hba). */
    static Path writePoolerHba(Path dir) {
        try {
            Path file = dir.resolve("pooler_hba.conf");
            Files.writeString(file, """
                    host all postgres 127.0.0.1/32 trust
                    hostssl all certuser 127.0.0.1/32 cert
                    hostnossl all certuser 127.0.0.1/32 reject
                    host all rejected 127.0.0.1/32 reject
                    host all bob 127.0.0.1/32 md5
                    host all plainuser 127.0.0.1/32 password
                    host all all 127.0.0.1/32 scram-sha-256
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database entry value for authdb without a forced user: clients log in to PostgreSQL as themselves. */
    String authdbEntry() {
        return "host=" + node.host() + " port=" + node.port() + " dbname=authdb";
    }

    static PgTarget through(TidepoolFixture pooler, String user, String password) {
        return PgTarget.of(pooler.host(), pooler.port(), user, "authdb").withPassword(password);
    }
}
