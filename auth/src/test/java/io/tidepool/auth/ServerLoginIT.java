package io.tidepool.auth;

import io.tidepool.auth.md5.Md5Password;
import io.tidepool.auth.pg.PgTestServer;
import io.tidepool.auth.pg.PgWireClient;
import io.tidepool.auth.scram.ScramClientExchange;
import io.tidepool.auth.scram.ScramKeys;
import io.tidepool.wire.backend.AuthenticationMD5Password;
import io.tidepool.wire.backend.AuthenticationOk;
import io.tidepool.wire.backend.AuthenticationSASL;
import io.tidepool.wire.backend.AuthenticationSASLContinue;
import io.tidepool.wire.backend.AuthenticationSASLFinal;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.frontend.PasswordMessage;
import io.tidepool.wire.frontend.SASLInitialResponse;
import io.tidepool.wire.frontend.SASLResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tidepool logging in to a real PostgreSQL 15 as a client: SCRAM-SHA-256 from a password, SCRAM pass-through from a
 * ClientKey recovered from a (simulated) client proof against the verifier in {@code pg_authid}, and md5 from a
 * password or a stored md5 secret. Each login is driven over a plain socket with the wire-protocol records until
 * AuthenticationOk or an ErrorResponse.
 */
class ServerLoginIT {
    private static final String SCRAM_PASSWORD = "scr\u00e4m-pa55word";
    private static final String MD5_PASSWORD = "md5-secret-pass";
    private static PgTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PgTestServer.start();
        server.sql("SET password_encryption = 'scram-sha-256'; CREATE ROLE scram_user LOGIN PASSWORD '"
                + SCRAM_PASSWORD + "'");
        server.sql("SET password_encryption = 'md5'; CREATE ROLE md5_user LOGIN PASSWORD '" + MD5_PASSWORD + "'");
        server.setHba("host all scram_user 127.0.0.1/32 scram-sha-256", "host all md5_user 127.0.0.1/32 md5");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** What a login ended with: AuthenticationOk (null code) or the ErrorResponse's SQLSTATE. */
    private record Outcome(boolean ok, String code, String message) {
    }

    private static Outcome scramLogin(String user, Function<List<String>, ScramClientExchange> exchanges)
            throws Exception {
        try (var client = new PgWireClient(server.port())) {
            client.startup(user, "postgres");
            ScramClientExchange exchange = null;
            while (true) {
                var message = client.read();
                if (message.type() == ErrorResponse.TYPE) {
                    ErrorResponse error = message.error();
                    return new Outcome(false, error.code(), error.message());
                }
                assertThat((char) message.type()).isEqualTo('R');
                switch (message.authentication()) {
                    case AuthenticationSASL(var mechanisms) -> {
                        exchange = exchanges.apply(mechanisms);
                        client.send(new SASLInitialResponse(exchange.mechanism(), exchange.clientFirstMessage()));
                    }
                    case AuthenticationSASLContinue c -> client.send(new SASLResponse(
                            exchange.handleServerFirst(c.data())));
                    case AuthenticationSASLFinal f -> exchange.verifyServerFinal(f.data());
                    case AuthenticationOk ok -> {
                        assertThat(exchange.isDone()).as("server signature verified before AuthenticationOk").isTrue();
                        return new Outcome(true, "", "");
                    }
                    default -> throw new AssertionError("unexpected " + message.authentication());
                }
            }
        }
    }

    private static Outcome md5Login(String user, Function<byte[], String> response) throws Exception {
        try (var client = new PgWireClient(server.port())) {
            client.startup(user, "postgres");
            while (true) {
                var message = client.read();
                if (message.type() == ErrorResponse.TYPE) {
                    ErrorResponse error = message.error();
                    return new Outcome(false, error.code(), error.message());
                }
                switch (message.authentication()) {
                    case AuthenticationMD5Password challenge -> client.send(new PasswordMessage(
                            response.apply(challenge.data())));
                    case AuthenticationOk ok -> {
                        return new Outcome(true, "", "");
                    }
                    default -> throw new AssertionError("unexpected " + message.authentication());
                }
            }
        }
    }

    @Test
    void scramWithPasswordReachesAuthenticationOk() throws Exception {
        Outcome outcome = scramLogin("scram_user", offered -> ScramClientExchange.withPassword(SCRAM_PASSWORD,
                offered, null, ScramClientExchange.Options.DEFAULT));
        assertThat(outcome.ok()).as(outcome.toString()).isTrue();
    }

    @Test
    void scramWithWrongPasswordIsRejectedByServerWith28P01() throws Exception {
        Outcome outcome = scramLogin("scram_user", offered -> ScramClientExchange.withPassword("wrong", offered,
                null, ScramClientExchange.Options.DEFAULT));
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.code()).isEqualTo("28P01");
    }

    @Test
    void scramPassThroughWithClientKeyRecoveredFromProofReachesAuthenticationOk() throws Exception {
        var secret = ScramSecret.parse(server.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_user'"));
        // Simulate a client that authenticated to Tidepool against the stored verifier: it computed its proof from
        // the password for an AuthMessage of our (server) exchange; Tidepool sees only the proof.
        String authMessage = "n=scram_user,r=clientnonce,r=clientnonceservernonce,s="
                + java.util.Base64.getEncoder().encodeToString(secret.salt()) + ",i=" + secret.iterations()
                + ",c=biws,r=clientnonceservernonce";
        byte[] clientSide = ScramKeys.clientKey(ScramKeys.saltedPassword(SCRAM_PASSWORD, secret.salt(),
                secret.iterations()));
        byte[] proof = ScramKeys.clientProof(clientSide, authMessage);

        byte[] recovered = ScramKeys.recoverClientKey(secret.storedKey(), authMessage, proof);
        assertThat(ScramKeys.proofMatches(secret.storedKey(), recovered)).isTrue();

        Outcome outcome = scramLogin("scram_user", offered -> ScramClientExchange.withClientKey(recovered, secret,
                offered, null, ScramClientExchange.Options.DEFAULT));
        assertThat(outcome.ok()).as(outcome.toString()).isTrue();
    }

    @Test
    void passThroughEndToEndClientToTidepoolToPostgres() throws Exception {
        // The client authenticates to our ScramServerExchange holding only the verifier from pg_authid (no password
        // anywhere in Tidepool); the recovered ClientKey then logs in to PostgreSQL, which requires scram-sha-256.
        var secret = ScramSecret.parse(server.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_user'"));
        var tidepool = io.tidepool.auth.scram.ScramServerExchange.create("scram_user", secret, null);
        var client = ScramClientExchange.withPassword(SCRAM_PASSWORD, tidepool.mechanisms(), null,
                ScramClientExchange.Options.DEFAULT);
        tidepool.start();
        var challenge = (AuthStep.Send) tidepool.onInitialResponse(client.mechanism(), client.clientFirstMessage());
        AuthStep step = tidepool.onResponse(client.handleServerFirst(
                ((AuthenticationSASLContinue) challenge.message()).data()));
        assertThat(step).isInstanceOf(AuthStep.Done.class);
        client.verifyServerFinal(((AuthenticationSASLFinal) ((AuthStep.Done) step).finalMessage()).data());
        byte[] clientKey = tidepool.clientKey();
        assertThat(clientKey).isNotNull();

        Outcome outcome = scramLogin("scram_user", offered -> ScramClientExchange.withClientKey(clientKey,
                tidepool.secret(), offered, null, ScramClientExchange.Options.DEFAULT));
        assertThat(outcome.ok()).as(outcome.toString()).isTrue();
    }

    @Test
    void passThroughRefusesAProofMadeWithAnotherPassword() throws Exception {
        var secret = ScramSecret.parse(server.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_user'"));
        String authMessage = "n=,r=a,r=ab,s=c2FsdA==,i=4096,c=biws,r=ab";
        byte[] wrongKey = ScramKeys.clientKey(ScramKeys.saltedPassword("not-it", secret.salt(), secret.iterations()));
        byte[] recovered = ScramKeys.recoverClientKey(secret.storedKey(), authMessage,
                ScramKeys.clientProof(wrongKey, authMessage));
        assertThat(ScramKeys.proofMatches(secret.storedKey(), recovered)).isFalse();
    }

    @Test
    void md5WithPasswordReachesAuthenticationOk() throws Exception {
        Outcome outcome = md5Login("md5_user", salt -> Md5Password.encode("md5_user", MD5_PASSWORD, salt));
        assertThat(outcome.ok()).as(outcome.toString()).isTrue();
    }

    @Test
    void md5WithStoredSecretReachesAuthenticationOk() throws Exception {
        String stored = server.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'md5_user'");
        assertThat(stored).isEqualTo(Md5Password.storedSecret("md5_user", MD5_PASSWORD));
        assertThat(Credential.parse(stored)).isInstanceOf(Md5Secret.class);
        Outcome outcome = md5Login("md5_user", salt -> Md5Password.fromStoredSecret(stored, salt));
        assertThat(outcome.ok()).as(outcome.toString()).isTrue();
    }

    @Test
    void md5WithWrongPasswordIsRejectedWith28P01() throws Exception {
        Outcome outcome = md5Login("md5_user", salt -> Md5Password.encode("md5_user", "nope", salt));
        assertThat(outcome.code()).isEqualTo("28P01");
    }

    @Test
    void storedScramVerifierMatchesOurComputation() throws Exception {
        var secret = ScramSecret.parse(server.sql("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_user'"));
        assertThat(ScramKeys.secret(SCRAM_PASSWORD, secret.salt(), secret.iterations())).isEqualTo(secret);
        assertThat(Credential.parse(secret.encode())).isEqualTo(secret);
    }
}
