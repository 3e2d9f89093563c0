package io.tidepool.auth.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Builds Netty {@link SslContext}s from PgBouncer-style options: {@code *_tls_cert_file}, {@code *_tls_key_file},
 * {@code *_tls_ca_file}, {@code *_tls_protocols}, {@code *_tls_ciphers}. Contexts are immutable and shared by all
 * connections; build new ones on RELOAD (existing connections keep theirs). Runs off the event loop (file reads).
 * Keys must be PEM PKCS#8 (or PKCS#1 where the provider supports it); the JDK provider is used.
 */
public final class TlsContexts {
    /**
     * The options of one side.
     *
     * @param protocols PgBouncer's {@code tls_protocols} value: {@code secure} (TLS 1.2 and 1.3), {@code all}, or a
     *     comma/space list of {@code tlsv1.2}, {@code tlsv1.3} (older versions are refused)
     * @param ciphers JDK cipher-suite names separated by ':' or ','; {@code default}, {@code secure}, {@code normal},
     *     {@code fast} or null keep the provider's defaults
     */
    public record Options(@Nullable Path certFile, @Nullable Path keyFile, @Nullable Path caFile, String protocols,
                          @Nullable String ciphers) {
        public static Options of(@Nullable Path certFile, @Nullable Path keyFile, @Nullable Path caFile) {
            return new Options(certFile, keyFile, caFile, "secure", null);
        }
    }

    private TlsContexts() {
    }

    /**
     * The context for client connections to us. {@code requireClientCertificate} is for hba {@code cert} / sslmode
     * verify-* on the client side; the CA file then names who may sign client certificates.
     */
    public static SslContext forServer(Options options, boolean requireClientCertificate) throws SSLException {
        return forServer(options, requireClientCertificate, List.of());
    }

    /**
     * As {@link #forServer(Options, boolean)}, also answering ALPN with one of {@code alpn} (PostgreSQL 17's direct
     * TLS requires {@code postgresql}, protocol-flow.html#PROTOCOL-FLOW-SSL). A client that offers ALPN without any of
     * them gets a fatal alert; one that offers no ALPN at all completes the handshake with no protocol, and the
     * caller decides (direct TLS then refuses it).
     */
    public static SslContext forServer(Options options, boolean requireClientCertificate, List<String> alpn)
            throws SSLException {
        if (options.certFile() == null || options.keyFile() == null) {
            throw new IllegalArgumentException("client_tls_cert_file and client_tls_key_file are required for TLS");
        }
        SslContextBuilder builder = SslContextBuilder.forServer(options.certFile().toFile(),
                options.keyFile().toFile());
        if (options.caFile() != null) {
            builder.trustManager(options.caFile().toFile());
        }
        builder.clientAuth(requireClientCertificate ? ClientAuth.REQUIRE
                : options.caFile() != null ? ClientAuth.OPTIONAL : ClientAuth.NONE);
        if (!alpn.isEmpty()) {
            builder.applicationProtocolConfig(new io.netty.handler.ssl.ApplicationProtocolConfig(
                    io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                    io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                    io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        return finish(builder, options);
    }

    /** How much of the server's certificate we check (sslmode require, verify-ca, verify-full). */
    public enum Verification { NONE, CA, FULL }

    /**
     * The context for our connections to PostgreSQL. {@link Verification#CA} requires a chain to {@code caFile};
     * {@link Verification#FULL} also checks the host name, which needs the engine created with
     * {@code newHandler(alloc, host, port)}; {@link Verification#NONE} accepts any certificate (sslmode require).
     */
    public static SslContext forClient(Options options, Verification verification) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (options.certFile() != null && options.keyFile() != null) {
            builder.keyManager(options.certFile().toFile(), options.keyFile().toFile());
        }
        if (verification == Verification.NONE) {
            builder.trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null);
        } else {
            if (options.caFile() == null) {
                throw new IllegalArgumentException("server_tls_ca_file is required to verify the server");
            }
            builder.trustManager(options.caFile().toFile())
                    .endpointIdentificationAlgorithm(verification == Verification.FULL ? "HTTPS" : null);
        }
        return finish(builder, options);
    }

    private static SslContext finish(SslContextBuilder builder, Options options) throws SSLException {
        builder.sslProvider(SslProvider.JDK).protocols(protocols(options.protocols()));
        List<String> ciphers = ciphers(options.ciphers());
        if (ciphers != null) {
            builder.ciphers(ciphers);
        }
        return builder.build();
    }

    /** Maps PgBouncer's protocol keywords to JDK protocol names. */
    static String[] protocols(String value) {
        List<String> out = new ArrayList<>();
        for (String token : value.toLowerCase(Locale.ROOT).split("[,\\s]+")) {
            switch (token) {
                case "" -> { }
                case "secure", "all" -> {
                    out.add("TLSv1.2");
                    out.add("TLSv1.3");
                }
                case "tlsv1.2" -> out.add("TLSv1.2");
                case "tlsv1.3" -> out.add("TLSv1.3");
                default -> throw new IllegalArgumentException("tls_protocols: \"" + token
                        + "\" (expected: secure, all, tlsv1.2 or tlsv1.3; TLS 1.0/1.1 are not offered)");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("tls_protocols: empty");
        }
        return out.stream().distinct().toArray(String[]::new);
    }

    static @Nullable List<String> ciphers(@Nullable String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip().toLowerCase(Locale.ROOT);
        if (trimmed.isEmpty() || List.of("default", "secure", "normal", "fast").contains(trimmed)) {
            return null;
        }
        return Arrays.stream(value.split("[:,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }
}
