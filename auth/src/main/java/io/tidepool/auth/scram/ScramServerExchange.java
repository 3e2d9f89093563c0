package io.tidepool.auth.scram;

import io.tidepool.auth.AuthStep;
import io.tidepool.auth.AuthenticationException;
import io.tidepool.auth.Credential;
import io.tidepool.auth.Md5Secret;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.ScramSecret;
import io.tidepool.wire.backend.AuthenticationSASL;
import io.tidepool.wire.backend.AuthenticationSASLContinue;
import io.tidepool.wire.backend.AuthenticationSASLFinal;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.SASLInitialResponse;
import io.tidepool.wire.frontend.SASLResponse;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Tidepool as the SCRAM-SHA-256(-PLUS) server to a client (RFC 5802 §5, RFC 7677, PostgreSQL's auth-scram.c):
 * offers the mechanisms, answers client-first with server-first, checks client-final's proof in constant time and
 * keeps the recovered ClientKey for pass-through login ({@link #clientKey()}).
 *
 * <p>Every failure of the SCRAM content (gs2 header variants, channel-binding downgrade, missing, duplicated or
 * out-of-order attributes, bad base64, wrong proof length, nonce mismatch, wrong proof, unknown user) yields the same
 * 28P01 text; framing problems of the first message (wrong mechanism, no initial response, client-first over 1024
 * bytes or not UTF-8) yield 08P01 "malformed SASL message"; every bad client-final is 28P01 (RELIABILITY case 18). An unknown user or a user with only an md5 secret runs a mock exchange with a
 * stable fake salt, as PostgreSQL's {@code scram_mock_salt}, so that the outcome reveals nothing (case 21).
 *
 * <p>One instance per client login, confined to that client's event loop; with a plaintext credential the
 * constructor derives a verifier (4096 iterations by default): create it off the event loop.
 */
public final class ScramServerExchange {
    /** PostgreSQL's {@code PG_MAX_SASL_MESSAGE_LENGTH}. */
    public static final int MAX_MESSAGE_LENGTH = 1024;
    static final String MALFORMED = "malformed SASL message";
    private static final int RAW_NONCE_LENGTH = 18;

    private enum State { NEW, SASL_SENT, CONTINUE_SENT, DONE, FAILED }

    private final String user;
    private final ScramSecret secret;
    private final boolean mock;
    private final byte @Nullable [] channelBindingData;
    private State state = State.NEW;
    private String mechanism = "";
    private String gs2Header = "";
    private String clientFirstBare = "";
    private String serverFirst = "";
    private String nonce = "";
    private byte @Nullable [] clientKey;

    private ScramServerExchange(String user, ScramSecret secret, boolean mock, byte @Nullable [] channelBindingData) {
        this.user = user;
        this.secret = secret;
        this.mock = mock;
        this.channelBindingData = channelBindingData == null ? null : channelBindingData.clone();
    }

    /**
     * An exchange for {@code user}.
     *
     * @param credential what we know; null for an unknown user (mock exchange that always fails)
     * @param tlsServerEndPoint the {@code tls-server-end-point} binding of the client's TLS connection, or null
     *     without TLS; when present SCRAM-SHA-256-PLUS is offered and a "y" client is refused as a downgrade
     */
    public static ScramServerExchange create(String user, @Nullable Credential credential,
                                             byte @Nullable [] tlsServerEndPoint) {
        Objects.requireNonNull(user, "user");
        return switch (credential) {
            case null -> new ScramServerExchange(user, mockSecret(user), true, tlsServerEndPoint);
            case Md5Secret ignored -> new ScramServerExchange(user, mockSecret(user), true, tlsServerEndPoint);
            case PlainPassword plain -> new ScramServerExchange(user,
                    ScramKeys.newSecret(plain.password(), ScramKeys.DEFAULT_ITERATIONS), false, tlsServerEndPoint);
            case ScramSecret scram -> new ScramServerExchange(user, scram, false, tlsServerEndPoint);
        };
    }

    /** The offered mechanisms, PLUS first when channel binding is possible (as PostgreSQL). */
    public List<String> mechanisms() {
        return channelBindingData != null
                ? List.of(ScramClientExchange.SCRAM_SHA_256_PLUS, ScramClientExchange.SCRAM_SHA_256)
                : List.of(ScramClientExchange.SCRAM_SHA_256);
    }

    /** The first step: AuthenticationSASL with {@link #mechanisms()}. */
    public AuthStep start() {
        if (state != State.NEW) {
            return fail(SqlState.PROTOCOL_VIOLATION, "start called in state " + state);
        }
        state = State.SASL_SENT;
        return new AuthStep.Send(new AuthenticationSASL(mechanisms()));
    }

    public AuthStep onInitialResponse(SASLInitialResponse message) {
        return onInitialResponse(message.mechanism(), message.data());
    }

    /** Handles SASLInitialResponse: the chosen mechanism and client-first-message. */
    public AuthStep onInitialResponse(String chosenMechanism, byte @Nullable [] clientFirst) {
        if (state != State.SASL_SENT) {
            return fail(SqlState.PROTOCOL_VIOLATION, "SASLInitialResponse in state " + state);
        }
        if (!mechanisms().contains(chosenMechanism)) {
            return fail(SqlState.PROTOCOL_VIOLATION, "client selected an invalid SASL mechanism");
        }
        if (clientFirst == null) {
            return fail(SqlState.PROTOCOL_VIOLATION, "SASLInitialResponse without client-first-message");
        }
        mechanism = chosenMechanism;
        ScramReader reader;
        try {
            reader = ScramReader.of(clientFirst, MAX_MESSAGE_LENGTH, "client-first-message");
        } catch (AuthenticationException e) {
            return fail(SqlState.PROTOCOL_VIOLATION, e.getMessage());
        }
        try {
            readClientFirst(reader);
        } catch (AuthenticationException e) {
            // Anything wrong in the SCRAM content is a failed authentication with the one shared text.
            return fail(SqlState.INVALID_PASSWORD, e.getMessage());
        }
        nonce = nonce + ScramKeys.nonce(RAW_NONCE_LENGTH);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(secret.salt()) + ",i="
                + secret.iterations();
        state = State.CONTINUE_SENT;
        return new AuthStep.Send(new AuthenticationSASLContinue(serverFirst.getBytes(StandardCharsets.US_ASCII)));
    }

    public AuthStep onResponse(SASLResponse message) {
        return onResponse(message.data());
    }

    /** Handles SASLResponse: client-final-message; on success the step carries AuthenticationSASLFinal. */
    public AuthStep onResponse(byte[] clientFinal) {
        if (state != State.CONTINUE_SENT) {
            return fail(SqlState.PROTOCOL_VIOLATION, "SASLResponse in state " + state);
        }
        ScramReader reader;
        try {
            reader = ScramReader.of(clientFinal, MAX_MESSAGE_LENGTH, "client-final-message");
        } catch (AuthenticationException e) {
            // RELIABILITY case 18: every bad client-final, oversized included, is a failed authentication.
            return fail(SqlState.INVALID_PASSWORD, e.getMessage());
        }
        try {
            return readClientFinal(reader);
        } catch (AuthenticationException e) {
            return fail(SqlState.INVALID_PASSWORD, e.getMessage());
        }
    }

    /**
     * The ClientKey the client proved it holds (PgBouncer's {@code scram_ClientKey}), for logging in to PostgreSQL
     * with {@link ScramClientExchange#withClientKey}; null unless the exchange succeeded.
     */
    public byte @Nullable [] clientKey() {
        return state == State.DONE && clientKey != null ? clientKey.clone() : null;
    }

    /** The verifier the client was checked against (pass-through needs the server to hold the same one). */
    public ScramSecret secret() {
        return secret;
    }

    private void readClientFirst(ScramReader reader) {
        // gs2-header = gs2-cbind-flag "," [authzid] ","   (RFC 5802 §7)
        String flag = reader.field("gs2-cbind-flag");
        boolean plus = mechanism.equals(ScramClientExchange.SCRAM_SHA_256_PLUS);
        switch (flag) {
            case "n" -> requireThat(!plus, "client chose PLUS but sent no channel binding");
            // "y": the client could bind but thinks we cannot; if we can, someone stripped PLUS (downgrade).
            case "y" -> requireThat(!plus && channelBindingData == null, "channel-binding downgrade ('y')");
            case "p=" + ScramClientExchange.TLS_SERVER_END_POINT ->
                    requireThat(plus, "channel binding requested without choosing PLUS");
            default -> throw AuthenticationException.protocol("unsupported gs2 channel-binding flag");
        }
        // PostgreSQL does not support an authorization identity.
        String authzid = reader.field("authzid");
        requireThat(authzid.isEmpty(), "authorization identity not supported");
        int bareStart = reader.position();
        if (reader.peek('m')) {
            throw AuthenticationException.protocol("client-first-message: mandatory extension");
        }
        reader.attribute('n');  // ignored: PostgreSQL authenticates the startup packet's user
        String clientNonce = reader.attribute('r');
        requireThat(ScramReader.isPrintableNonce(clientNonce), "client nonce is not printable");
        while (!reader.atEnd()) {
            readExtension(reader);
        }
        gs2Header = reader.text().substring(0, bareStart);
        clientFirstBare = reader.text().substring(bareStart);
        nonce = clientNonce;
    }

    private AuthStep readClientFinal(ScramReader reader) {
        byte[] binding = reader.base64('c', 1, MAX_MESSAGE_LENGTH);
        byte[] gs2 = gs2Header.getBytes(StandardCharsets.US_ASCII);
        byte[] expectedBinding = gs2Header.startsWith("p=")
                ? ScramClientExchange.concat(gs2, Objects.requireNonNull(channelBindingData)) : gs2;
        String finalNonce = reader.attribute('r');
        int proofStart = reader.position();
        byte[] proof = reader.base64('p', ScramSecret.KEY_LENGTH, ScramSecret.KEY_LENGTH);
        reader.requireEnd();
        if (!MessageDigest.isEqual(binding, expectedBinding)) {
            return fail(SqlState.INVALID_PASSWORD, "channel binding data does not match");
        }
        if (!MessageDigest.isEqual(finalNonce.getBytes(StandardCharsets.UTF_8),
                nonce.getBytes(StandardCharsets.UTF_8))) {
            return fail(SqlState.INVALID_PASSWORD, "nonce does not match");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + reader.text().substring(0, proofStart - 1);
        byte[] recovered = ScramKeys.recoverClientKey(secret.storedKey(), authMessage, proof);
        // Always compute and compare, mock or not, so that timing does not tell an unknown user apart.
        boolean matches = ScramKeys.proofMatches(secret.storedKey(), recovered);
        if (!matches || mock) {
            Arrays.fill(recovered, (byte) 0);
            return fail(SqlState.INVALID_PASSWORD, mock ? "no SCRAM secret for user" : "wrong proof");
        }
        clientKey = recovered;
        state = State.DONE;
        byte[] signature = ScramKeys.serverSignature(secret.serverKey(), authMessage);
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(signature);
        return new AuthStep.Done(user, new AuthenticationSASLFinal(serverFinal.getBytes(StandardCharsets.US_ASCII)));
    }

    private static void readExtension(ScramReader reader) {
        String text = reader.text();
        int at = reader.position();
        char name = text.charAt(at);
        if (name < 'a' || name > 'z' || name == 'm' || name == 'n' || name == 'r') {
            throw AuthenticationException.protocol("client-first-message: unexpected attribute at offset " + at);
        }
        reader.attribute(name);
    }

    private static void requireThat(boolean condition, String detail) {
        if (!condition) {
            throw new AuthenticationException(SqlState.INVALID_PASSWORD, detail);
        }
    }

    private AuthStep fail(SqlState sqlState, @Nullable String detail) {
        state = State.FAILED;
        if (clientKey != null) {
            Arrays.fill(clientKey, (byte) 0);
            clientKey = null;
        }
        String logDetail = detail == null ? "" : detail;
        return sqlState == SqlState.INVALID_PASSWORD ? AuthStep.Fail.password(user, logDetail)
                : new AuthStep.Fail(SqlState.PROTOCOL_VIOLATION, MALFORMED, logDetail);
    }

    /**
     * A stable fake verifier for unknown users: the salt is derived from the user name and a per-process random key
     * (PostgreSQL's {@code scram_mock_salt}), so repeated attempts see the same salt and learn nothing.
     */
    private static ScramSecret mockSecret(String user) {
        byte[] salt = Arrays.copyOf(ScramKeys.hmac(MockKey.KEY, user), ScramKeys.DEFAULT_SALT_LENGTH);
        byte[] key = ScramKeys.hmac(MockKey.KEY, "stored" + user);
        return new ScramSecret(ScramKeys.DEFAULT_ITERATIONS, salt, key, ScramKeys.hmac(MockKey.KEY, "server" + user));
    }

    private static final class MockKey {
        static final byte[] KEY = ScramKeys.nonce(32).getBytes(StandardCharsets.US_ASCII);
    }
}
