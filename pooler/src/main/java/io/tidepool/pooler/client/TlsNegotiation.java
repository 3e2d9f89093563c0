package io.tidepool.pooler.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.tidepool.auth.AuthStep;
import io.tidepool.auth.tls.ChannelBinding;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Client-side TLS negotiation: the answer to SSLRequest, PostgreSQL 17's direct TLS, and what a finished handshake
 * tells authentication (channel binding, client certificate). Stateless helpers, called on the client's event loop.
 *
 * <p>The Netty trap (RELIABILITY §5, CVE-2021-3935): when a {@code ByteToMessageDecoder} leaves the pipeline it
 * forwards what it had buffered. The {@link io.tidepool.wire.codec.StartupDecoder} already refuses bytes buffered
 * behind an SSLRequest; {@link #answerSslRequest} checks the cumulation once more before the 'S' is written and the
 * {@link SslHandler} goes in front of it, so no plaintext byte is ever read as if it had arrived inside TLS.
 */
public final class TlsNegotiation {
    /** The pipeline name of the client's SslHandler. */
    public static final String HANDLER = "tls";
    /** A TLS record of type handshake starts with this byte (RFC 8446 §5.1); a startup packet never does. */
    static final int TLS_HANDSHAKE_RECORD = 0x16;

    private TlsNegotiation() {
    }

    /** What the finished handshake established, for authentication. */
    public record TlsInfo(byte[] serverEndPoint, @Nullable X509Certificate clientCertificate, String protocol,
                          boolean direct, @Nullable String alpn) {
    }

    /**
     * Answers an SSLRequest: 'N' when TLS is off, else 'S' followed by the handshake.
     *
     * @return whether a handshake now follows
     */
    static boolean answerSslRequest(ChannelHandlerContext ctx, ClientTls tls) {
        if (ctx.pipeline().get(SslHandler.class) != null) {
            throw new ProtocolException("SSLRequest inside an encrypted connection");
        }
        SslContext context = tls.context();
        if (context == null) {
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'), ctx.voidPromise());
            return false;
        }
        requireNothingBuffered(ctx.channel());
        // Written on the loop before the SslHandler exists, so the 'S' leaves in plaintext as the protocol wants.
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('S'), ctx.voidPromise());
        ctx.pipeline().addFirst(HANDLER, context.newHandler(ctx.alloc()));
        return true;
    }

    /** The trap check: nothing may sit in the startup decoder's cumulation when TLS starts. */
    private static void requireNothingBuffered(Channel channel) {
        var decoder = channel.pipeline().get(io.tidepool.wire.codec.StartupDecoder.class);
        if (decoder != null && decoder.buffered() > 0) {
            throw new ProtocolException("received unencrypted data after SSL request");
        }
    }

    /** What TLS established on {@code channel}, or null for a plaintext connection. */
    static @Nullable TlsInfo inspect(Channel channel) {
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (handler == null) {
            return null;
        }
        if (!handler.handshakeFuture().isSuccess()) {
            throw new ProtocolException("startup packet before the TLS handshake completed");
        }
        SSLSession session = handler.engine().getSession();
        Certificate[] local = session.getLocalCertificates();
        if (local == null || local.length == 0 || !(local[0] instanceof X509Certificate own)) {
            throw new IllegalStateException("TLS session without a server certificate");
        }
        X509Certificate client = null;
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate x509) {
                client = x509;
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate: fine unless cert authentication or verify-* asks for one
        }
        byte[] endPoint;
        try {
            endPoint = ChannelBinding.tlsServerEndPoint(own);
        } catch (IllegalArgumentException e) {
            endPoint = new byte[0];                         // no binding possible: PLUS is not offered
        }
        return new TlsInfo(endPoint, client, session.getProtocol(), isDirect(channel), handler.applicationProtocol());
    }

    private static boolean isDirect(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(DirectTls.DIRECT).get());
    }

    /**
     * PostgreSQL 17 refuses direct TLS without ALPN {@code postgresql} (a TLS connection meant for another protocol
     * must not become a database session).
     */
    static void requireAlpnIfDirect(TlsInfo info) {
        if (info.direct() && !ClientTls.ALPN.equals(info.alpn())) {
            throw new ProtocolException("direct TLS connection without ALPN \"" + ClientTls.ALPN + "\"");
        }
    }

    /**
     * hba/auth_type {@code cert}: the client certificate was checked against client_tls_ca_file by the handshake;
     * its CN must equal the user name (PostgreSQL's clientcert=verify-full mapping without an ident map).
     */
    static AuthStep certificate(@Nullable TlsInfo info, String user) {
        if (info == null || info.clientCertificate() == null) {
            return new AuthStep.Fail(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "connection requires a valid client certificate", "cert: no client certificate");
        }
        String cn = commonName(info.clientCertificate());
        if (!user.equals(cn)) {
            return new AuthStep.Fail(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "certificate authentication failed for user \"" + user + "\"",
                    "cert: certificate CN \"" + (cn == null ? "" : cn) + "\" is not the user name");
        }
        return new AuthStep.Done(user, null);
    }

    static @Nullable String commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            for (Rdn rdn : rdns.reversed()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    /**
     * First handler of every client pipeline: looks at the first byte. 0x16 is a TLS ClientHello (direct TLS,
     * PostgreSQL 17): with TLS configured an SslHandler takes the connection from the first byte; without TLS the
     * startup decoder refuses it (an absurd startup length, 08P01). Anything else is a startup packet for the {@link io.tidepool.wire.codec.StartupDecoder}.
     * Either way the detector removes itself and the bytes it saw go to the next handler, which is what must read
     * them (here, forwarding the cumulation is the intent, not the trap).
     */
    public static final class DirectTls extends ByteToMessageDecoder {
        public static final String NAME = "direct-tls";
        static final io.netty.util.AttributeKey<Boolean> DIRECT = io.netty.util.AttributeKey.valueOf("tidepool.direct");

        private final ClientTls tls;

        public DirectTls(ClientTls tls) {
            this.tls = tls;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (!in.isReadable()) {
                return;
            }
            if (in.getUnsignedByte(in.readerIndex()) != TLS_HANDSHAKE_RECORD) {
                ctx.pipeline().remove(this);
                return;
            }
            SslContext context = tls.context();
            if (context == null) {
                // No TLS here: the startup decoder refuses it as what it is, a startup packet of absurd length (08P01).
                ctx.pipeline().remove(this);
                return;
            }
            ctx.channel().attr(DIRECT).set(Boolean.TRUE);
            ctx.pipeline().replace(this, HANDLER, context.newHandler(ctx.alloc()));
        }
    }
}
