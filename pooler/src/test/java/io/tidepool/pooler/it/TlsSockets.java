package io.tidepool.pooler.it;

import org.jspecify.annotations.Nullable;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * JDK TLS client sockets for tests that speak the protocol by hand: TLS after an SSLRequest ('S'), or PostgreSQL
 * 17's direct TLS with or without ALPN {@code postgresql}; trusting {@link TestCerts}'s CA, optionally presenting a
 * client certificate. Stateless.
 */
final class TlsSockets {
    private TlsSockets() {
    }

    /** SSLRequest, expect 'S', then the handshake. */
    static SSLSocket afterSslRequest(String host, int port, TestCerts certs, @Nullable Path cert, @Nullable Path key) {
        try {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress(host, port), 5000);
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write(RawClient.sslRequest());
            int answer = plain.getInputStream().read();
            if (answer != 'S') {
                plain.close();
                throw new AssertionError("SSLRequest answered with " + answer);
            }
            SSLSocket tls = (SSLSocket) context(certs, cert, key).getSocketFactory()
                    .createSocket(plain, host, port, true);
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Direct TLS from the first byte; {@code alpn} null sends no ALPN extension. */
    static SSLSocket direct(String host, int port, TestCerts certs, String @Nullable [] alpn) throws IOException {
        SSLSocket tls = (SSLSocket) context(certs, null, null).getSocketFactory().createSocket();
        tls.connect(new InetSocketAddress(host, port), 5000);
        tls.setSoTimeout(10_000);
        if (alpn != null) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(alpn);
            tls.setSSLParameters(parameters);
        }
        tls.startHandshake();
        return tls;
    }

    static X509Certificate peerCertificate(SSLSocket socket) {
        try {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SSLContext context(TestCerts certs, @Nullable Path cert, @Nullable Path key) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(certs.caCert)) {
                trust.setCertificateEntry("ca", factory.generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (cert != null && key != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                Certificate leaf;
                try (InputStream in = Files.newInputStream(cert)) {
                    leaf = factory.generateCertificate(in);
                }
                String pem = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                var privateKey = KeyFactory.getInstance("EC")
                        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
                keys.setKeyEntry("client", privateKey, new char[0], new Certificate[] {leaf});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("test TLS context: " + e, e);
        }
    }
}
