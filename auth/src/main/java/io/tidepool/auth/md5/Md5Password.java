package io.tidepool.auth.md5;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * PostgreSQL's MD5 password arithmetic (protocol-flow.html, "AuthenticationMD5Password"): the stored secret is
 * {@code "md5" + md5hex(password + user)} and the response to a 4-byte salt is
 * {@code "md5" + md5hex(md5hex(password + user) + salt)}. Stateless; safe from any thread.
 */
public final class Md5Password {
    /** {@code "md5"} followed by 32 lowercase hex digits. */
    public static final int SECRET_LENGTH = 35;
    public static final int SALT_LENGTH = 4;
    private static final String PREFIX = "md5";
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Md5Password() {
    }

    /** The response to send for {@code salt}, computed from the plaintext password. */
    public static String encode(String user, String password, byte[] salt) {
        return fromStoredSecret(storedSecret(user, password), salt);
    }

    /** The stored secret {@code "md5" + md5hex(password + user)}, as in {@code pg_authid.rolpassword}. */
    public static String storedSecret(String user, String password) {
        return PREFIX + md5Hex(utf8(password + user));
    }

    /**
     * The response to send for {@code salt}, computed from a stored {@code md5...} secret: the password itself is not
     * needed, which is what lets a pooler log in with an auth_file or auth_query secret.
     *
     * @throws IllegalArgumentException when {@code md5secret} is not {@code "md5"} + 32 hex digits (the text does not
     *     echo the secret)
     */
    public static String fromStoredSecret(String md5secret, byte[] salt) {
        requireSalt(salt);
        if (!isMd5Secret(md5secret)) {
            throw new IllegalArgumentException("md5 secret: not \"md5\" followed by 32 hex digits (length "
                    + md5secret.length() + ")");
        }
        byte[] inner = utf8(md5secret.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT));
        byte[] input = new byte[inner.length + salt.length];
        System.arraycopy(inner, 0, input, 0, inner.length);
        System.arraycopy(salt, 0, input, inner.length, salt.length);
        return PREFIX + md5Hex(input);
    }

    /** Whether {@code secret} looks like PostgreSQL's md5 secret ({@code isMD5} in PgBouncer). */
    public static boolean isMd5Secret(String secret) {
        if (secret.length() != SECRET_LENGTH || !secret.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < SECRET_LENGTH; i++) {
            if (Character.digit(secret.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A fresh random 4-byte salt for AuthenticationMD5Password. */
    public static byte[] newSalt() {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return salt;
    }

    private static void requireSalt(byte[] salt) {
        Objects.requireNonNull(salt, "salt");
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("md5 salt length: " + salt.length + " (expected: 4)");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String md5Hex(byte[] input) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("MD5").digest(input));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5 MessageDigest", e);
        }
    }
}
