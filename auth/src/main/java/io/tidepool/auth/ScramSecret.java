package io.tidepool.auth;

import org.jspecify.annotations.Nullable;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * A SCRAM-SHA-256 verifier as PostgreSQL stores it in {@code pg_authid.rolpassword}:
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} with base64 salt and keys (PostgreSQL
 * {@code scram_build_secret}). Holds no password; the arrays are copied in and out.
 */
public record ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) implements Credential {
    public static final String PREFIX = "SCRAM-SHA-256$";
    /** SHA-256 output length. */
    public static final int KEY_LENGTH = 32;
    /** Bound on the salt we accept from a stored verifier (PostgreSQL writes 16 bytes). */
    public static final int MAX_SALT_LENGTH = 256;

    public ScramSecret {
        if (iterations <= 0) {
            throw new IllegalArgumentException("SCRAM iterations: " + iterations + " (expected: > 0)");
        }
        if (salt.length == 0 || salt.length > MAX_SALT_LENGTH) {
            throw new IllegalArgumentException("SCRAM salt length: " + salt.length + " (expected: 1.."
                    + MAX_SALT_LENGTH + ")");
        }
        if (storedKey.length != KEY_LENGTH || serverKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("SCRAM key length: " + storedKey.length + "/" + serverKey.length
                    + " (expected: 32)");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /**
     * Parses a verifier.
     *
     * @throws IllegalArgumentException when it is not one (the text never echoes the input)
     */
    public static ScramSecret parse(String secret) {
        ScramSecret parsed = tryParse(secret);
        if (parsed == null) {
            throw new IllegalArgumentException("SCRAM secret: not of the form SCRAM-SHA-256$<iterations>:<salt>"
                    + "$<StoredKey>:<ServerKey> (length " + secret.length() + ")");
        }
        return parsed;
    }

    /** Parses a verifier, or returns null when {@code secret} is not one. */
    public static @Nullable ScramSecret tryParse(String secret) {
        if (!secret.startsWith(PREFIX) || secret.length() > 1024) {
            return null;
        }
        String rest = secret.substring(PREFIX.length());
        int dollar = rest.indexOf('$');
        if (dollar < 0) {
            return null;
        }
        String[] head = rest.substring(0, dollar).split(":", -1);
        String[] keys = rest.substring(dollar + 1).split(":", -1);
        if (head.length != 2 || keys.length != 2) {
            return null;
        }
        try {
            int iterations = parseIterations(head[0]);
            Base64.Decoder decoder = Base64.getDecoder();
            byte[] salt = decoder.decode(head[1]);
            byte[] storedKey = decoder.decode(keys[0]);
            byte[] serverKey = decoder.decode(keys[1]);
            if (iterations <= 0 || salt.length == 0 || salt.length > MAX_SALT_LENGTH
                    || storedKey.length != KEY_LENGTH || serverKey.length != KEY_LENGTH) {
                return null;
            }
            return new ScramSecret(iterations, salt, storedKey, serverKey);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int parseIterations(String digits) {
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long value = Long.parseLong(digits);
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    /** The verifier in PostgreSQL's text form. */
    public String encode() {
        Base64.Encoder encoder = Base64.getEncoder();
        return PREFIX + iterations + ":" + encoder.encodeToString(salt) + "$" + encoder.encodeToString(storedKey)
                + ":" + encoder.encodeToString(serverKey);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramSecret other && iterations == other.iterations && Arrays.equals(salt, other.salt)
                && MessageDigest.isEqual(storedKey, other.storedKey) && MessageDigest.isEqual(serverKey, other.serverKey);
    }

    @Override
    public int hashCode() {
        return 31 * iterations + Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "ScramSecret[iterations=" + iterations + ", <hidden>]";
    }
}
