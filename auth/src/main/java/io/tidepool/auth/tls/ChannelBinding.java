package io.tidepool.auth.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * {@code tls-server-end-point} channel-binding data (RFC 5929 §4.1): the hash of the server's DER certificate, with
 * the hash function of the certificate's signature algorithm, except that MD5 and SHA-1 are replaced by SHA-256.
 * Both sides compute it from the server certificate: we as a server from our own certificate, we as a client from
 * the certificate PostgreSQL presented. Stateless.
 */
public final class ChannelBinding {
    private ChannelBinding() {
    }

    /**
     * The binding data for {@code certificate}.
     *
     * @throws IllegalArgumentException when the signature algorithm has no single hash (RSASSA-PSS, Ed25519), as
     *     PostgreSQL's {@code be_tls_get_certificate_hash} refuses too
     */
    public static byte[] tlsServerEndPoint(X509Certificate certificate) {
        String algorithm = hashOf(certificate.getSigAlgName());
        try {
            return MessageDigest.getInstance(algorithm).digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalArgumentException("tls-server-end-point: cannot hash certificate with " + algorithm, e);
        }
    }

    /** "SHA256withRSA" -> "SHA-256"; MD5 and SHA-1 -> "SHA-256" (RFC 5929 §4.1). */
    static String hashOf(String signatureAlgorithm) {
        String upper = signatureAlgorithm.toUpperCase(Locale.ROOT);
        int with = upper.indexOf("WITH");
        if (with <= 0) {
            throw new IllegalArgumentException("tls-server-end-point: signature algorithm " + signatureAlgorithm
                    + " has no single hash function");
        }
        String hash = upper.substring(0, with);
        return switch (hash) {
            case "MD5", "SHA1", "SHA-1", "SHA256", "SHA-256" -> "SHA-256";
            case "SHA224", "SHA-224" -> "SHA-224";
            case "SHA384", "SHA-384" -> "SHA-384";
            case "SHA512", "SHA-512" -> "SHA-512";
            case "SHA3-256", "SHA3-384", "SHA3-512" -> hash;
            default -> throw new IllegalArgumentException("tls-server-end-point: unsupported hash " + hash
                    + " in signature algorithm " + signatureAlgorithm);
        };
    }
}
