package io.tidepool.auth.scram;

import io.tidepool.auth.AuthStep;
import io.tidepool.auth.Credential;
import io.tidepool.auth.Md5Secret;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.ScramSecret;
import io.tidepool.auth.md5.Md5Password;
import io.tidepool.wire.backend.AuthenticationSASL;
import io.tidepool.wire.backend.AuthenticationSASLContinue;
import io.tidepool.wire.backend.AuthenticationSASLFinal;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ScramServerExchange against our client and against tampered client messages (RELIABILITY cases 17–19, 21). Every
 * content failure must give the one 28P01 text; framing failures 08P01.
 */
class ScramServerExchangeTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "correct horse";
    private static final ScramSecret SECRET = ScramKeys.secret(PASSWORD, "0123456789abcdef".getBytes(), 4096);
    private static final String FAILED = "password authentication failed for user \"alice\"";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Runs a full exchange; the two operators may tamper with client-first and client-final. */
    private static AuthStep run(ScramServerExchange server, ScramClientExchange client,
                                UnaryOperator<String> tamperFirst, UnaryOperator<String> tamperFinal) {
        var offer = (AuthStep.Send) server.start();
        assertThat(((AuthenticationSASL) offer.message()).mechanisms()).isEqualTo(server.mechanisms());
        String first = tamperFirst.apply(text(client.clientFirstMessage()));
        AuthStep step = server.onInitialResponse(client.mechanism(), utf8(first));
        if (!(step instanceof AuthStep.Send(AuthenticationSASLContinue challenge))) {
            return step;
        }
        String clientFinal = tamperFinal.apply(text(client.handleServerFirst(challenge.data())));
        return server.onResponse(utf8(clientFinal));
    }

    private static ScramClientExchange client(String password, List<String> offered, byte @Nullable [] cb) {
        return ScramClientExchange.withPassword(password, offered, cb, ScramClientExchange.Options.DEFAULT);
    }

    private static void assertPasswordFailure(AuthStep step) {
        assertThat(step).isInstanceOfSatisfying(AuthStep.Fail.class, fail -> {
            assertThat(fail.sqlState().code()).isEqualTo("28P01");
            assertThat(fail.message()).isEqualTo(FAILED);
        });
    }

    @Test
    void succeedsAndBothSidesVerifyEachOther() {
        var server = ScramServerExchange.create(USER, SECRET, null);
        var client = client(PASSWORD, server.mechanisms(), null);
        AuthStep step = run(server, client, UnaryOperator.identity(), UnaryOperator.identity());
        assertThat(step).isInstanceOf(AuthStep.Done.class);
        var done = (AuthStep.Done) step;
        assertThat(done.identity()).isEqualTo(USER);
        client.verifyServerFinal(((AuthenticationSASLFinal) done.finalMessage()).data());
        assertThat(client.isDone()).isTrue();
        byte[] clientKey = server.clientKey();
        assertThat(clientKey).isNotNull();
        assertThat(ScramKeys.proofMatches(SECRET.storedKey(), clientKey)).isTrue();
    }

    @Test
    void plainCredentialGetsAFreshVerifier() {
        var server = ScramServerExchange.create(USER, new PlainPassword(PASSWORD), null);
        assertThat(server.secret().iterations()).isEqualTo(4096);
        assertThat(run(server, client(PASSWORD, server.mechanisms(), null), s -> s, s -> s))
                .isInstanceOf(AuthStep.Done.class);
    }

    @Test
    void channelBindingPlusSucceedsWithTheSameCertificateHash() {
        byte[] hash = new byte[32];
        hash[5] = 9;
        var server = ScramServerExchange.create(USER, SECRET, hash);
        assertThat(server.mechanisms()).containsExactly("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256");
        var client = client(PASSWORD, server.mechanisms(), hash);
        assertThat(client.mechanism()).isEqualTo("SCRAM-SHA-256-PLUS");
        assertThat(run(server, client, s -> s, s -> s)).isInstanceOf(AuthStep.Done.class);
    }

    @Test
    void channelBindingWithAnotherCertificateFails() {
        byte[] hash = new byte[32];
        var server = ScramServerExchange.create(USER, SECRET, hash);
        byte[] other = new byte[32];
        other[0] = 1;   // a MITM terminating TLS presents another certificate
        assertPasswordFailure(run(server, client(PASSWORD, server.mechanisms(), other), s -> s, s -> s));
    }

    @Test
    void downgradeFromPlusIsRefused() {
        var server = ScramServerExchange.create(USER, SECRET, new byte[32]);
        // A client that could bind but saw no PLUS offer says "y"; the server did offer PLUS, so PLUS was stripped.
        var client = client(PASSWORD, List.of("SCRAM-SHA-256"), new byte[32]);
        assertPasswordFailure(run(server, client, s -> s, s -> s));
    }

    @Test
    void wrongPasswordFailsWithTheSharedText() {
        var server = ScramServerExchange.create(USER, SECRET, null);
        assertPasswordFailure(run(server, client("wrong", server.mechanisms(), null), s -> s, s -> s));
        assertThat(server.clientKey()).isNull();
    }

    @Test
    void unknownUserAndMd5OnlyUserFailLikeAWrongPasswordWithAStableSalt() {
        var unknown = ScramServerExchange.create(USER, null, null);
        assertPasswordFailure(run(unknown, client(PASSWORD, unknown.mechanisms(), null), s -> s, s -> s));
        Credential md5 = new Md5Secret(Md5Password.storedSecret(USER, PASSWORD));
        var md5Only = ScramServerExchange.create(USER, md5, null);
        assertPasswordFailure(run(md5Only, client(PASSWORD, md5Only.mechanisms(), null), s -> s, s -> s));
        assertThat(ScramServerExchange.create(USER, null, null).secret())
                .isEqualTo(ScramServerExchange.create(USER, null, null).secret());
    }

    @ParameterizedTest(name = "client-first {0}")
    @CsvSource(delimiter = '|', value = {
        "n,,n=,r=x | q,,n=,r=x",
        "n,,n=,r=x | p=unknown,,n=,r=x",
        "n,,n=,r=x | n,,r=x",
        "n,,n=,r=x | p=tls-server-end-point,,n=,r=x",
        "n,,n=,r=x | n,a=bob,n=,r=x",
        "n,,n=,r=x | n,,m=ext,n=,r=x",
        "n,,n=,r=x | n,,n=",
        "n,,n=,r=x | n,,n=,r=",
        "n,,n=,r=x | n,,n=,r=x,",
        "n,,n=,r=x | n,,n=,r=x,r=y",
        "n,,n=,r=x | n,,n=,r=x y",
        "n,,n=,r=x | n",
        "n,,n=,r=x | ''",
    })
    void badClientFirstFailsWithTheSharedText(String ignored, String clientFirst) {
        var server = ScramServerExchange.create(USER, SECRET, null);
        server.start();
        assertPasswordFailure(server.onInitialResponse("SCRAM-SHA-256", utf8(clientFirst)));
    }

    @Test
    void framingFailuresOfTheFirstMessageAre08P01() {
        for (var attempt : List.<java.util.function.Function<ScramServerExchange, AuthStep>>of(
                s -> s.onInitialResponse("SCRAM-SHA-1", utf8("n,,n=,r=x")),
                s -> s.onInitialResponse("SCRAM-SHA-256-PLUS", utf8("p=tls-server-end-point,,n=,r=x")),
                s -> s.onInitialResponse("SCRAM-SHA-256", null),
                s -> s.onInitialResponse("SCRAM-SHA-256", utf8("n,,n=,r=" + "x".repeat(1100))),
                s -> s.onInitialResponse("SCRAM-SHA-256", new byte[] {'n', ',', ',', (byte) 0xFF}),
                s -> s.onResponse(utf8("c=biws,r=x,p=AAAA")))) {
            var server = ScramServerExchange.create(USER, SECRET, null);
            server.start();
            assertThat(attempt.apply(server)).isInstanceOfSatisfying(AuthStep.Fail.class, fail -> {
                assertThat(fail.sqlState().code()).isEqualTo("08P01");
                assertThat(fail.message()).isEqualTo("malformed SASL message");
            });
        }
    }

    @ParameterizedTest(name = "client-final tampered: {0}")
    @ValueSource(strings = {"drop-c", "drop-r", "drop-p", "bad-base64-proof", "short-proof", "long-proof",
        "other-nonce", "duplicate-r", "reorder", "m-extension", "oversize", "trailing", "bad-binding", "empty"})
    void badClientFinalFailsWithTheSharedText(String variant) {
        var server = ScramServerExchange.create(USER, SECRET, null);
        var client = client(PASSWORD, server.mechanisms(), null);
        UnaryOperator<String> tamper = m -> {
            String c = m.substring(0, m.indexOf(",r="));
            String r = m.substring(m.indexOf(",r=") + 1, m.indexOf(",p="));
            String p = m.substring(m.indexOf(",p=") + 1);
            return switch (variant) {
                case "drop-c" -> r + "," + p;
                case "drop-r" -> c + "," + p;
                case "drop-p" -> c + "," + r;
                case "bad-base64-proof" -> c + "," + r + ",p=!!!!";
                case "short-proof" -> c + "," + r + ",p=" + Base64.getEncoder().encodeToString(new byte[31]);
                case "long-proof" -> c + "," + r + ",p=" + Base64.getEncoder().encodeToString(new byte[33]);
                case "other-nonce" -> c + "," + r + "x," + p;
                case "duplicate-r" -> c + "," + r + "," + r + "," + p;
                case "reorder" -> r + "," + c + "," + p;
                case "m-extension" -> c + "," + r + ",m=1," + p;
                case "oversize" -> c + "," + r + ",x=" + "a".repeat(1100) + "," + p;
                case "trailing" -> m + ",";
                case "bad-binding" -> "c=eSws," + r + "," + p;
                case "empty" -> "";
                default -> throw new IllegalArgumentException(variant);
            };
        };
        assertPasswordFailure(run(server, client, s -> s, tamper));
        assertThat(server.clientKey()).isNull();
    }

    @Test
    void replayedClientFinalFailsBecauseTheServerNonceDiffers() {
        var first = ScramServerExchange.create(USER, SECRET, null);
        var client = client(PASSWORD, first.mechanisms(), null);
        String[] captured = new String[2];
        AuthStep ok = run(first, client, s -> captured[0] = s, s -> captured[1] = s);
        assertThat(ok).isInstanceOf(AuthStep.Done.class);

        var second = ScramServerExchange.create(USER, SECRET, null);
        second.start();
        assertThat(second.onInitialResponse("SCRAM-SHA-256", utf8(captured[0]))).isInstanceOf(AuthStep.Send.class);
        assertPasswordFailure(second.onResponse(utf8(captured[1])));
    }

    @Test
    void messagesOutOfOrderAreProtocolViolations() {
        var server = ScramServerExchange.create(USER, SECRET, null);
        assertThat(server.onResponse(utf8("c=biws,r=x,p=x"))).isInstanceOf(AuthStep.Fail.class);
        var started = ScramServerExchange.create(USER, SECRET, null);
        started.start();
        assertThat(started.start()).isInstanceOf(AuthStep.Fail.class);
    }

    @Test
    void failureDetailsNeverContainTheProof() {
        var server = ScramServerExchange.create(USER, SECRET, null);
        var client = client("wrong", server.mechanisms(), null);
        String[] finalMessage = new String[1];
        AuthStep step = run(server, client, s -> s, s -> finalMessage[0] = s);
        String proof = finalMessage[0].substring(finalMessage[0].indexOf(",p=") + 3);
        assertThat(step.toString()).doesNotContain(proof).doesNotContain(PASSWORD);
    }
}
