package io.tidepool.auth.scram;

import io.tidepool.auth.AuthenticationException;
import io.tidepool.auth.ScramSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ScramClientExchange against a scripted hostile server (RELIABILITY case 20): every bad server-first or
 * server-final ends in AuthenticationException with 08P01/28P01, before any key derivation where the bound is
 * violated. The happy path against real PostgreSQL is in ServerLoginIT.
 */
class ScramClientExchangeTest {
    private static final List<String> PLAIN = List.of("SCRAM-SHA-256");
    private static final String PASSWORD = "pencil";
    private static final String SALT = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes());

    private static ScramClientExchange client() {
        return ScramClientExchange.withPassword(PASSWORD, PLAIN, null, ScramClientExchange.Options.DEFAULT);
    }

    private static String clientNonce(byte[] clientFirst) {
        String text = new String(clientFirst, StandardCharsets.UTF_8);
        return text.substring(text.indexOf("r=") + 2);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertFails(Runnable action, String sqlState) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(AuthenticationException.class,
                e -> assertThat(e.sqlState().code()).isEqualTo(sqlState));
    }

    @Test
    void completesAgainstAServerThatKnowsTheVerifier() {
        var exchange = client();
        String nonce = clientNonce(exchange.clientFirstMessage()) + "srv";
        String serverFirst = "r=" + nonce + ",s=" + SALT + ",i=4096";
        String clientFinal = new String(exchange.handleServerFirst(utf8(serverFirst)), StandardCharsets.US_ASCII);
        assertThat(clientFinal).startsWith("c=biws,r=" + nonce + ",p=");

        ScramSecret secret = ScramKeys.secret(PASSWORD, Base64.getDecoder().decode(SALT), 4096);
        String withoutProof = clientFinal.substring(0, clientFinal.indexOf(",p="));
        String authMessage = "n=,r=" + nonce.substring(0, nonce.length() - 3) + "," + serverFirst + "," + withoutProof;
        byte[] proof = Base64.getDecoder().decode(clientFinal.substring(clientFinal.indexOf(",p=") + 3));
        assertThat(ScramKeys.proofMatches(secret.storedKey(),
                ScramKeys.recoverClientKey(secret.storedKey(), authMessage, proof))).isTrue();

        byte[] signature = ScramKeys.serverSignature(secret.serverKey(), authMessage);
        exchange.verifyServerFinal(utf8("v=" + Base64.getEncoder().encodeToString(signature)));
        assertThat(exchange.isDone()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "2147483647", "99999999999", "1000001", "", "4k", "+5", " 5"})
    void rejectsIterationCountsOutsideTheCap(String iterations) {
        var exchange = client();
        String nonce = clientNonce(exchange.clientFirstMessage()) + "x";
        assertFails(() -> exchange.handleServerFirst(utf8("r=" + nonce + ",s=" + SALT + ",i=" + iterations)),
                "08P01");
    }

    @Test
    void acceptsAConfiguredLowerCapOnly() {
        var exchange = ScramClientExchange.withPassword(PASSWORD, PLAIN, null,
                new ScramClientExchange.Options(1000, 1024));
        String nonce = clientNonce(exchange.clientFirstMessage()) + "x";
        assertFails(() -> exchange.handleServerFirst(utf8("r=" + nonce + ",s=" + SALT + ",i=4096")), "08P01");
    }

    @Test
    void rejectsServerNonceNotExtendingClientNonce() {
        var exchange = client();
        exchange.clientFirstMessage();
        assertFails(() -> exchange.handleServerFirst(utf8("r=someoneelse,s=" + SALT + ",i=4096")), "08P01");
        var second = client();
        String nonce = clientNonce(second.clientFirstMessage());
        assertFails(() -> second.handleServerFirst(utf8("r=" + nonce + ",s=" + SALT + ",i=4096")), "08P01");
    }

    @Test
    void rejectsTenKilobyteNonceBeforeParsing() {
        var exchange = client();
        String nonce = clientNonce(exchange.clientFirstMessage()) + "n".repeat(10_000);
        assertFails(() -> exchange.handleServerFirst(utf8("r=" + nonce + ",s=" + SALT + ",i=4096")), "08P01");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s=!!notbase64!!,i=4096", "s=,i=4096", "i=4096,s=c2FsdA==", "s=c2FsdA==",
        "s=c2FsdA==,i=4096,", "s=c2FsdA==,i=4096,x=1", "s=c2FsdA==,s=c2FsdA==,i=4096"})
    void rejectsMalformedServerFirst(String tail) {
        var exchange = client();
        String nonce = clientNonce(exchange.clientFirstMessage()) + "x";
        assertFails(() -> exchange.handleServerFirst(utf8("r=" + nonce + "," + tail)), "08P01");
    }

    @Test
    void rejectsMandatoryExtensionAndNonUtf8() {
        var exchange = client();
        exchange.clientFirstMessage();
        assertFails(() -> exchange.handleServerFirst(utf8("m=ext,r=x,s=" + SALT + ",i=1")), "08P01");
        var second = client();
        second.clientFirstMessage();
        assertFails(() -> second.handleServerFirst(new byte[] {'r', '=', (byte) 0xC3, (byte) 0x28}), "08P01");
    }

    private static ScramClientExchange afterServerFirst() {
        var exchange = client();
        String nonce = clientNonce(exchange.clientFirstMessage()) + "x";
        exchange.handleServerFirst(utf8("r=" + nonce + ",s=" + SALT + ",i=4096"));
        return exchange;
    }

    @Test
    void serverErrorAttributeFailsWith28P01() {
        var exchange = afterServerFirst();
        assertFails(() -> exchange.verifyServerFinal(utf8("e=invalid-proof")), "28P01");
        assertThat(exchange.isDone()).isFalse();
    }

    @Test
    void wrongServerSignatureFailsWith28P01() {
        var exchange = afterServerFirst();
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        assertFails(() -> exchange.verifyServerFinal(utf8("v=" + wrong)), "28P01");
        assertThat(exchange.isDone()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=###", "v=", "x=1", "", "v=AAAA,extra"})
    void malformedServerFinalFailsWith08P01(String serverFinal) {
        var exchange = afterServerFirst();
        assertFails(() -> exchange.verifyServerFinal(utf8(serverFinal)), "08P01");
    }

    @Test
    void messagesOutOfOrderFail() {
        var exchange = client();
        assertFails(() -> exchange.handleServerFirst(utf8("r=x,s=" + SALT + ",i=1")), "08P01");
        var done = afterServerFirst();
        assertFails(() -> done.handleServerFirst(utf8("r=x,s=" + SALT + ",i=1")), "08P01");
    }

    @Test
    void choosesPlusWithTlsServerEndPointWhenOffered() {
        byte[] certHash = new byte[32];
        certHash[0] = 7;
        var exchange = ScramClientExchange.withPassword(PASSWORD, List.of("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"),
                certHash, ScramClientExchange.Options.DEFAULT);
        assertThat(exchange.mechanism()).isEqualTo("SCRAM-SHA-256-PLUS");
        byte[] first = exchange.clientFirstMessage();
        assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("p=tls-server-end-point,,n=,r=");
        String nonce = clientNonce(first) + "x";
        String clientFinal = new String(exchange.handleServerFirst(utf8("r=" + nonce + ",s=" + SALT + ",i=1")),
                StandardCharsets.US_ASCII);
        byte[] cbind = Base64.getDecoder().decode(clientFinal.substring(2, clientFinal.indexOf(',')));
        byte[] expected = ScramClientExchange.concat("p=tls-server-end-point,,".getBytes(), certHash);
        assertThat(cbind).isEqualTo(expected);
    }

    @Test
    void saysYWhenBindingIsPossibleButPlusWasNotOffered() {
        var exchange = ScramClientExchange.withPassword(PASSWORD, PLAIN, new byte[32],
                ScramClientExchange.Options.DEFAULT);
        assertThat(exchange.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(new String(exchange.clientFirstMessage(), StandardCharsets.UTF_8)).startsWith("y,,n=,r=");
    }

    @Test
    void refusesWhenNoScramMechanismIsOffered() {
        assertFails(() -> ScramClientExchange.withPassword(PASSWORD, List.of("SCRAM-SHA-1"), null,
                ScramClientExchange.Options.DEFAULT), "08P01");
    }

    @Test
    void passThroughRefusesSaltOrIterationsOtherThanTheSecrets() {
        ScramSecret secret = ScramKeys.secret(PASSWORD, Base64.getDecoder().decode(SALT), 4096);
        byte[] clientKey = ScramKeys.clientKey(ScramKeys.saltedPassword(PASSWORD, secret.salt(), 4096));
        var exchange = ScramClientExchange.withClientKey(clientKey, secret, PLAIN, null,
                ScramClientExchange.Options.DEFAULT);
        String nonce = clientNonce(exchange.clientFirstMessage()) + "x";
        assertFails(() -> exchange.handleServerFirst(utf8("r=" + nonce + ",s=" + SALT + ",i=4097")), "28P01");
        assertThatThrownBy(() -> ScramClientExchange.withClientKey(new byte[32], secret, PLAIN, null,
                ScramClientExchange.Options.DEFAULT)).isInstanceOf(IllegalArgumentException.class);
    }
}
