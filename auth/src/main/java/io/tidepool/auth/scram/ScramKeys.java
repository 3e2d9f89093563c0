package io.tidepool.auth.scram;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import io.tidepool.auth.ScramSecret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The SCRAM-SHA-256 key arithmetic of RFC 5802 §3, on top of ongres-scram's {@link ScramFunctions}:
 * SaltedPassword, ClientKey, StoredKey, ServerKey, signatures, and the pass-through trick of PgBouncer's
 * {@code scram_ClientKey}: {@code ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage)}. Stateless; safe from
 * any thread. {@link #saltedPassword} costs {@code iterations} HMACs: run it off the event loop.
 */
public final class ScramKeys {
    static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_256;
    /** Iterations PostgreSQL uses by default ({@code scram_iterations}). */
    public static final int DEFAULT_ITERATIONS = 4096;
    /** Salt length PostgreSQL uses ({@code SCRAM_DEFAULT_SALT_LEN}). */
    public static final int DEFAULT_SALT_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramKeys() {
    }

    /**
     * Hi(Normalize(password), salt, i). The password is SASLprep-ed as PostgreSQL does (falling back to the raw string
     * when it is not valid SASLprep input, {@code pg_saslprep}).
     */
    public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        return ScramFunctions.saltedPassword(MECHANISM, StringPreparation.POSTGRESQL_PREPARATION,
                password.toCharArray(), salt, iterations);
    }

    public static byte[] clientKey(byte[] saltedPassword) {
        return ScramFunctions.clientKey(MECHANISM, saltedPassword);
    }

    public static byte[] serverKey(byte[] saltedPassword) {
        return ScramFunctions.serverKey(MECHANISM, saltedPassword);
    }

    /** StoredKey = H(ClientKey). */
    public static byte[] storedKey(byte[] clientKey) {
        return ScramFunctions.hash(MECHANISM, clientKey);
    }

    public static byte[] hmac(byte[] key, String message) {
        return ScramFunctions.hmac(MECHANISM, key, message.getBytes(StandardCharsets.UTF_8));
    }

    /** ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage). */
    public static byte[] clientProof(byte[] clientKey, String authMessage) {
        return xor(clientKey, hmac(storedKey(clientKey), authMessage));
    }

    /** ServerSignature = HMAC(ServerKey, AuthMessage). */
    public static byte[] serverSignature(byte[] serverKey, String authMessage) {
        return hmac(serverKey, authMessage);
    }

    /**
     * Recovers the ClientKey from a client's proof; the caller must still check {@code H(result) == StoredKey}
     * ({@link #proofMatches}).
     */
    public static byte[] recoverClientKey(byte[] storedKey, String authMessage, byte[] proof) {
        return xor(proof, hmac(storedKey, authMessage));
    }

    /** Whether {@code H(clientKey)} equals {@code storedKey}, in constant time. */
    public static boolean proofMatches(byte[] storedKey, byte[] clientKey) {
        return MessageDigest.isEqual(storedKey(clientKey), storedKey);
    }

    /** A verifier for {@code password} with a fresh random salt, as PostgreSQL's {@code pg_be_scram_build_secret}. */
    public static ScramSecret newSecret(String password, int iterations) {
        byte[] salt = new byte[DEFAULT_SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return secret(password, salt, iterations);
    }

    /** The verifier for {@code password} with the given salt and iteration count. */
    public static ScramSecret secret(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        return new ScramSecret(iterations, salt, storedKey(clientKey(salted)), serverKey(salted));
    }

    /** {@code count} random bytes, base64: a nonce made only of printable characters without ','. */
    static String nonce(int rawLength) {
        byte[] raw = new byte[rawLength];
        RANDOM.nextBytes(raw);
        return java.util.Base64.getEncoder().encodeToString(raw);
    }

    static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("xor length: " + a.length + " (expected: " + b.length + ")");
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
