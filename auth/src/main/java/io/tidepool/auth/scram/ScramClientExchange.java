package io.tidepool.auth.scram;

import io.tidepool.auth.AuthenticationException;
import io.tidepool.auth.ScramSecret;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Tidepool as a SCRAM-SHA-256 client of PostgreSQL (RFC 5802, RFC 7677, protocol-flow.html#SASL-SCRAM-SHA-256),
 * either from a plaintext password or from a recovered ClientKey plus the stored verifier (pass-through, PgBouncer's
 * {@code scram_ClientKey}). Bytes in, bytes out: the caller wraps them in SASLInitialResponse/SASLResponse.
 *
 * <p>The server is not trusted (RELIABILITY case 20; CVE-2026-6665, CVE-2026-6669): message length, nonce, salt
 * and iteration count are bounded before any work, the server nonce must extend ours, and a wrong server signature
 * fails the login. {@link #handleServerFirst} runs the key derivation (cost proportional to the iteration count,
 * capped by {@link Options#maxIterations()}): call it off the event loop. One instance per login attempt, used by one
 * thread at a time.
 */
public final class ScramClientExchange {
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";
    public static final String TLS_SERVER_END_POINT = "tls-server-end-point";
    /** libpq's {@code SCRAM_RAW_NONCE_LEN}. */
    private static final int RAW_NONCE_LENGTH = 18;

    /**
     * Bounds on what a server may send.
     *
     * @param maxIterations highest accepted iteration count (PostgreSQL's default is 4096)
     * @param maxMessageLength longest accepted server message, in bytes
     */
    public record Options(int maxIterations, int maxMessageLength) {
        public static final Options DEFAULT = new Options(1_000_000, 1024);

        public Options {
            if (maxIterations < 1 || maxMessageLength < 64) {
                throw new IllegalArgumentException("SCRAM client options: maxIterations " + maxIterations
                        + ", maxMessageLength " + maxMessageLength + " (expected: >= 1, >= 64)");
            }
        }
    }

    private enum State { NEW, FIRST_SENT, FINAL_SENT, DONE, FAILED }

    private final @Nullable String password;
    private final @Nullable ScramSecret secret;
    private byte @Nullable [] clientKey;
    private byte @Nullable [] serverKey;
    private final byte @Nullable [] channelBindingData;
    private final String mechanism;
    private final String gs2Header;
    private final Options options;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte @Nullable [] expectedServerSignature;
    private State state = State.NEW;

    private ScramClientExchange(@Nullable String password, @Nullable ScramSecret secret, byte @Nullable [] clientKey,
                                List<String> offeredMechanisms, byte @Nullable [] tlsServerEndPoint,
                                Options options) {
        this.password = password;
        this.secret = secret;
        this.clientKey = clientKey;
        this.serverKey = secret == null ? null : secret.serverKey();
        this.options = Objects.requireNonNull(options, "options");
        // Channel binding as libpq chooses it: PLUS when the server offers it over TLS; "y" when we could bind but the
        // server did not offer PLUS (so a MITM stripping PLUS is detected by a server that supports it); else "n".
        if (tlsServerEndPoint != null && offeredMechanisms.contains(SCRAM_SHA_256_PLUS)) {
            mechanism = SCRAM_SHA_256_PLUS;
            gs2Header = "p=" + TLS_SERVER_END_POINT + ",,";
            channelBindingData = tlsServerEndPoint.clone();
        } else if (offeredMechanisms.contains(SCRAM_SHA_256)) {
            mechanism = SCRAM_SHA_256;
            gs2Header = tlsServerEndPoint != null ? "y,," : "n,,";
            channelBindingData = null;
        } else {
            throw AuthenticationException.protocol("SASL mechanisms offered by the server: " + offeredMechanisms
                    + " (expected: " + SCRAM_SHA_256 + (tlsServerEndPoint != null ? " or " + SCRAM_SHA_256_PLUS : "")
                    + ")");
        }
        clientNonce = ScramKeys.nonce(RAW_NONCE_LENGTH);
        // PostgreSQL ignores the SCRAM user name and uses the startup packet's; libpq sends it empty.
        clientFirstBare = "n=,r=" + clientNonce;
    }

    /** An exchange that derives the keys from a plaintext password. */
    public static ScramClientExchange withPassword(String password, List<String> offeredMechanisms,
                                                   byte @Nullable [] tlsServerEndPoint, Options options) {
        return new ScramClientExchange(Objects.requireNonNull(password, "password"), null, null, offeredMechanisms,
                tlsServerEndPoint, options);
    }

    /**
     * A pass-through exchange: {@code clientKey} was recovered from a client's proof against {@code secret}, which
     * must be the very verifier the server holds (same salt and iterations), or the server rejects the proof.
     *
     * @throws IllegalArgumentException when {@code H(clientKey) != secret.storedKey()}
     */
    public static ScramClientExchange withClientKey(byte[] clientKey, ScramSecret secret,
                                                    List<String> offeredMechanisms,
                                                    byte @Nullable [] tlsServerEndPoint, Options options) {
        if (!ScramKeys.proofMatches(secret.storedKey(), clientKey)) {
            throw new IllegalArgumentException("SCRAM ClientKey does not match the stored secret");
        }
        return new ScramClientExchange(null, secret, clientKey.clone(), offeredMechanisms, tlsServerEndPoint,
                options);
    }

    /** The mechanism to name in SASLInitialResponse. */
    public String mechanism() {
        return mechanism;
    }

    /** The client-first-message: gs2 header plus {@code n=,r=<nonce>}. */
    public byte[] clientFirstMessage() {
        require(State.NEW, "client-first-message");
        state = State.FIRST_SENT;
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the server-first-message and answers with the client-final-message (with proof).
     *
     * @throws AuthenticationException 08P01 when the message is malformed or exceeds a bound
     */
    public byte[] handleServerFirst(byte[] serverFirst) {
        require(State.FIRST_SENT, "server-first-message");
        state = State.FAILED;  // until proven otherwise
        var reader = ScramReader.of(serverFirst, options.maxMessageLength(), "SCRAM server-first-message");
        if (reader.peek('m')) {
            throw AuthenticationException.protocol("SCRAM server-first-message: unsupported mandatory extension");
        }
        String nonce = reader.attribute('r');
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()
                || !ScramReader.isPrintableNonce(nonce)) {
            throw AuthenticationException.protocol("SCRAM server-first-message: server nonce does not extend the "
                    + "client nonce");
        }
        byte[] salt = reader.base64('s', 1, ScramSecret.MAX_SALT_LENGTH);
        int iterations = parseIterations(reader.attribute('i'));
        reader.requireEnd();

        byte[] clientKeyToUse;
        byte[] serverKeyToUse;
        if (password != null) {
            byte[] salted = ScramKeys.saltedPassword(password, salt, iterations);
            clientKeyToUse = ScramKeys.clientKey(salted);
            serverKeyToUse = ScramKeys.serverKey(salted);
            Arrays.fill(salted, (byte) 0);
        } else {
            ScramSecret stored = Objects.requireNonNull(secret);
            if (stored.iterations() != iterations || !Arrays.equals(stored.salt(), salt)) {
                throw new AuthenticationException(SqlState.INVALID_PASSWORD, "SCRAM pass-through: the server's salt "
                        + "and iteration count differ from the stored secret");
            }
            clientKeyToUse = Objects.requireNonNull(clientKey);
            serverKeyToUse = Objects.requireNonNull(serverKey);
        }
        byte[] binding = channelBindingData == null ? gs2Header.getBytes(StandardCharsets.US_ASCII)
                : concat(gs2Header.getBytes(StandardCharsets.US_ASCII), channelBindingData);
        String finalWithoutProof = "c=" + Base64.getEncoder().encodeToString(binding) + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + reader.text() + "," + finalWithoutProof;
        byte[] proof = ScramKeys.clientProof(clientKeyToUse, authMessage);
        expectedServerSignature = ScramKeys.serverSignature(serverKeyToUse, authMessage);
        if (password != null) {
            Arrays.fill(clientKeyToUse, (byte) 0);
            Arrays.fill(serverKeyToUse, (byte) 0);
        }
        state = State.FINAL_SENT;
        return (finalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Checks the server-final-message: {@code v=} must carry the expected server signature.
     *
     * @throws AuthenticationException 28P01 on {@code e=} or a wrong signature, 08P01 when malformed
     */
    public void verifyServerFinal(byte[] serverFinal) {
        require(State.FINAL_SENT, "server-final-message");
        state = State.FAILED;
        var reader = ScramReader.of(serverFinal, options.maxMessageLength(), "SCRAM server-final-message");
        if (reader.peek('e')) {
            String error = reader.attribute('e');
            throw new AuthenticationException(SqlState.INVALID_PASSWORD, "SCRAM: server reported error \""
                    + printable(error) + "\"");
        }
        byte[] signature = reader.base64('v', 1, 64);
        reader.requireEnd();
        if (!MessageDigest.isEqual(signature, Objects.requireNonNull(expectedServerSignature))) {
            throw new AuthenticationException(SqlState.INVALID_PASSWORD, "SCRAM: invalid server signature");
        }
        state = State.DONE;
        clear();
    }

    /** Whether the server proved it knows the verifier. */
    public boolean isDone() {
        return state == State.DONE;
    }

    private int parseIterations(String digits) {
        long value = -1;
        if (!digits.isEmpty() && digits.length() <= 10 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            value = Long.parseLong(digits);
        }
        if (value < 1 || value > options.maxIterations()) {
            throw AuthenticationException.protocol("SCRAM server-first-message: iteration count "
                    + (value < 0 ? "malformed" : Long.toString(value)) + " (expected: 1.." + options.maxIterations()
                    + ")");
        }
        return (int) value;
    }

    private void require(State expected, String message) {
        if (state != expected) {
            State was = state;
            state = State.FAILED;
            clear();
            throw AuthenticationException.protocol("SCRAM: unexpected " + message + " in state " + was);
        }
    }

    private void clear() {
        if (clientKey != null) {
            Arrays.fill(clientKey, (byte) 0);
        }
        if (serverKey != null) {
            Arrays.fill(serverKey, (byte) 0);
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
