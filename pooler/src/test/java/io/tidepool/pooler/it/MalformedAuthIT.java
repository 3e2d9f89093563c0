package io.tidepool.pooler.it;

import io.tidepool.pooler.it.RawClient.Outcome;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed authentication (RELIABILITY cases 15, 17, 18, 19, 21, 23): each case drives one hostile exchange with a
 * {@link RawClient} against a pooler with auth_type hba (SCRAM for alice, cleartext for plainuser, md5 for bob) and
 * expects its SQLSTATE and a closed connection, while a {@link Bystander} keeps querying through the same pooler.
 * Every credential failure (28P01) carries the same text, so a client learns nothing from which check failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class MalformedAuthIT {
    static final String BAD_ALICE = "password authentication failed for user \"alice\"";

    private AuthCluster auth;
    private TidepoolFixture pooler;
    private Bystander bystander;
    private Path dir;

    /** One hostile login: what to do, and the SQLSTATE it must end with. */
    record Case(String name, String sqlState, Function<MalformedAuthIT, Outcome> attack) {
        @Override
        public String toString() {
            return name + " -> " + sqlState;
        }
    }

    @BeforeAll
    void start() throws Exception {
        auth = AuthCluster.get();
        // Many failures come from 127.0.0.1 here; LoginDefencesIT covers the growing delay.
        System.setProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY, "0");
        dir = TempDirs.create("tidepool-malformed-");
        auth.certs.copyServerFilesTo(dir);
        pooler = TidepoolFixture.builder(auth.node)
                .rawDatabase("authdb", auth.authdbEntry())
                .set("client_login_timeout", 10).set("auth_type", "hba")
                .set("auth_hba_file", AuthCluster.writePoolerHba(dir))
                .set("auth_file", auth.writeAuthFile(dir))
                .set("client_tls_sslmode", "prefer")
                .set("client_tls_cert_file", dir.resolve("server.crt"))
                .set("client_tls_key_file", dir.resolve("server.key"))
                .start();
        bystander = Bystander.start(PgTarget.of(pooler.host(), pooler.port(), "postgres", "authdb"));
    }

    @AfterAll
    void stop() throws Exception {
        System.clearProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY);
        if (bystander != null) {
            bystander.close();
        }
        if (pooler != null) {
            pooler.close();
        }
        if (dir != null) {
            TempDirs.delete(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endsWithItsSqlStateWhileOthersKeepWorking(Case c) {
        Outcome outcome = c.attack().apply(this);
        System.out.println(c.name() + ": " + outcome);
        assertThat(outcome.closed()).as(c.name() + ": " + outcome).isTrue();
        assertThat(outcome.sqlState()).as(c.name() + ": " + outcome).isEqualTo(c.sqlState());
        assertThat(outcome.messages()).as("never authenticated").noneMatch(m -> m.type() == 'R'
                && m.body().length >= 4 && m.body()[3] == 0 && m.body()[0] == 0 && m.body()[1] == 0
                && m.body()[2] == 0);
        if (c.sqlState().equals("28P01") && c.name().contains("alice")) {
            assertThat(outcome.errorMessage()).isEqualTo(BAD_ALICE);
        }
        bystander.assertUnaffected();
    }

    static List<Case> cases() {
        return List.of(
                // ---- case 17: client-first ----
                new Case("alice client-first gs2 'q'", "28P01", t -> t.badFirst("q,,n=,r=abc")),
                new Case("alice client-first gs2 'p=unknown'", "28P01", t -> t.badFirst("p=unknown,,n=,r=abc")),
                new Case("alice client-first without n=", "28P01", t -> t.badFirst("n,,r=abc")),
                new Case("alice client-first binding without PLUS offered", "28P01",
                        t -> t.badFirst("p=tls-server-end-point,,n=,r=abc")),
                new Case("alice client-first 'y' while PLUS is offered (downgrade)", "28P01",
                        MalformedAuthIT::downgradeOverTls),
                new Case("unknown mechanism", "08P01", t -> t.scram(s -> s.client.send(
                        ScramScript.initial("SCRAM-SHA-1", "n,,n=,r=abc".getBytes(StandardCharsets.UTF_8))))),
                new Case("initial response length -1", "08P01", t -> t.scram(s -> s.client.send(
                        ScramScript.initialDeclaring("SCRAM-SHA-256", -1, new byte[0])))),
                new Case("initial response length 0xFFFFFFFF with data", "08P01", t -> t.scram(s -> s.client.send(
                        ScramScript.initialDeclaring("SCRAM-SHA-256", 0xFFFFFFFF, "n,,n=,r=a".getBytes())))),
                new Case("initial response length beyond the message", "08P01", t -> t.scram(s -> s.client.send(
                        ScramScript.initialDeclaring("SCRAM-SHA-256", 1000, "n,,n=,r=a".getBytes())))),
                new Case("client-first over 1024 bytes", "08P01", t -> t.badFirst("n,,n=,r=" + "x".repeat(2000))),
                // ---- case 18: client-final ----
                new Case("alice client-final without c=", "28P01", t -> t.badFinal(s -> "r=" + s.serverNonce
                        + ",p=" + b64(s.proof("r=" + s.serverNonce)))),
                new Case("alice client-final without r=", "28P01", t -> t.badFinal(s -> "c=biws,p="
                        + b64(s.proof("c=biws")))),
                new Case("alice client-final without p=", "28P01", t -> t.badFinal(s -> "c=biws,r=" + s.serverNonce)),
                new Case("alice client-final proof not base64", "28P01",
                        t -> t.badFinal(s -> "c=biws,r=" + s.serverNonce + ",p=!!!not*base64")),
                new Case("alice client-final proof of 31 bytes", "28P01",
                        t -> t.badFinal(s -> "c=biws,r=" + s.serverNonce + ",p=" + b64(new byte[31]))),
                new Case("alice client-final nonce mismatch", "28P01", t -> t.badFinal(s -> {
                    String r = "c=biws,r=" + s.serverNonce + "X";
                    return r + ",p=" + b64(s.proof(r));
                })),
                new Case("alice client-final wrong proof", "28P01",
                        t -> t.badFinal(s -> "c=biws,r=" + s.serverNonce + ",p=" + b64(new byte[32]))),
                new Case("alice client-final duplicate r=", "28P01", t -> t.badFinal(s -> {
                    String r = "c=biws,r=" + s.serverNonce + ",r=" + s.serverNonce;
                    return r + ",p=" + b64(s.proof(r));
                })),
                new Case("alice client-final m= extension", "28P01", t -> t.badFinal(s -> {
                    String r = "m=ext,c=biws,r=" + s.serverNonce;
                    return r + ",p=" + b64(s.proof(r));
                })),
                new Case("alice client-final over 1024 bytes", "28P01", t -> t.badFinal(s -> {
                    String r = "c=biws,r=" + s.serverNonce + ",x=" + "y".repeat(1100);
                    return r + ",p=" + b64(s.proof(r));
                })),
                // ---- case 19: replay ----
                new Case("alice replayed client-final", "28P01", MalformedAuthIT::replay),
                // ---- order and type (case 15, 10) ----
                new Case("cleartext password message when SCRAM is expected", "08P01",
                        t -> t.scram(s -> s.client.send(RawClient.message('p', RawClient.cstring(
                                AuthCluster.ALICE_PW))))),
                new Case("second StartupMessage during SCRAM", "08P01", t -> t.scram(s -> s.client.send(
                        RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "authdb")))),
                new Case("second StartupMessage after AuthenticationOk", "08P01", MalformedAuthIT::startupAfterLogin),
                new Case("query during SCRAM", "08P01",
                        t -> t.scram(s -> s.client.send(RawClient.message('Q', RawClient.cstring("select 1"))))),
                // ---- case 23: cleartext and md5 ----
                new Case("cleartext password over 65535 bytes", "08P01",
                        t -> t.password("plainuser", "x".repeat(70_000))),
                new Case("empty cleartext password", "28P01", t -> t.password("plainuser", "")),
                new Case("md5 hash sent as cleartext password", "28P01",
                        t -> t.password("plainuser", io.tidepool.auth.md5.Md5Password.storedSecret("plainuser",
                                AuthCluster.PLAIN_PW))),
                new Case("md5 response that is no md5 hash", "28P01", t -> t.password("bob", "not-an-md5-hash")),
                // ---- case 21: unknown user, wrong password and unknown database look the same ----
                new Case("alice wrong password", "28P01", t -> t.fullLogin("alice", "authdb", "wrong")),
                new Case("alice unknown database", "28P01", t -> t.fullLogin("alice", "nosuchdb", "wrong")),
                new Case("unknown user", "28P01", t -> t.fullLogin("nobody", "authdb", "wrong")));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private RawClient raw() {
        return RawClient.connect(pooler.host(), pooler.port());
    }

    /** alice's SCRAM up to AuthenticationSASL, then {@code action}. */
    private Outcome scram(java.util.function.Consumer<ScramScript> action) {
        try (RawClient client = raw()) {
            ScramScript s = new ScramScript(client, AuthCluster.ALICE_PW).start("alice", "authdb");
            action.accept(s);
            return client.untilClosed(Duration.ofSeconds(10));
        }
    }

    private Outcome badFirst(String clientFirst) {
        return scram(s -> s.client.send(ScramScript.initial("SCRAM-SHA-256",
                clientFirst.getBytes(StandardCharsets.UTF_8))));
    }

    private Outcome badFinal(Function<ScramScript, String> clientFinal) {
        return scram(s -> {
            s.first();
            s.client.send(ScramScript.response(clientFinal.apply(s)));
        });
    }

    private Outcome fullLogin(String user, String database, String password) {
        try (RawClient client = raw()) {
            ScramScript s = new ScramScript(client, password).start(user, database).first();
            client.send(ScramScript.response(s.clientFinal("n,,")));
            return client.untilClosed(Duration.ofSeconds(10));
        }
    }

    private Outcome replay() {
        String captured;
        try (RawClient first = raw()) {
            ScramScript s = new ScramScript(first, AuthCluster.ALICE_PW).start("alice", "authdb").first();
            captured = s.clientFinal("n,,");
            first.send(ScramScript.response(captured));
            assertThat(first.untilReady(Duration.ofSeconds(10)).getLast().type()).isEqualTo((byte) 'Z');
        }
        return scram(s -> {
            s.first();
            s.client.send(ScramScript.response(captured));
        });
    }

    private Outcome startupAfterLogin() {
        try (RawClient client = raw()) {
            ScramScript s = new ScramScript(client, AuthCluster.ALICE_PW).start("alice", "authdb").first();
            client.send(ScramScript.response(s.clientFinal("n,,")));
            client.untilReady(Duration.ofSeconds(10));
            client.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "authdb"));
            return client.untilClosed(Duration.ofSeconds(10));
        }
    }

    private Outcome downgradeOverTls() {
        try (var socket = TlsSockets.afterSslRequest(pooler.host(), pooler.port(), auth.certs, null, null);
             RawClient client = RawClient.over(socket)) {
            ScramScript s = new ScramScript(client, AuthCluster.ALICE_PW).start("alice", "authdb");
            assertThat(s.mechanisms).contains("SCRAM-SHA-256-PLUS");
            client.send(ScramScript.initial("SCRAM-SHA-256", ("y,," + s.clientFirstBare())
                    .getBytes(StandardCharsets.UTF_8)));
            return client.untilClosed(Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Startup, the password request, then a PasswordMessage with {@code password}. */
    private Outcome password(String user, String password) {
        try (RawClient client = raw()) {
            client.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", user, "database", "authdb"));
            RawClient.Message request = client.read(Duration.ofSeconds(10));
            assertThat(request).isNotNull();
            assertThat(request.type()).isEqualTo((byte) 'R');
            client.trySend(RawClient.message('p', RawClient.cstring(password)));
            return client.untilClosed(Duration.ofSeconds(10));
        }
    }
}
