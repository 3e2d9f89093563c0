package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.tidepool.auth.tls.ChannelBinding;
import io.tidepool.pooler.config.SslMode;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.wire.StartupCode;
import org.jspecify.annotations.Nullable;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server-facing TLS policy of one configuration snapshot ({@code server_tls_sslmode} and the context built from
 * {@code server_tls_*_file}), and the negotiation it drives on a new server connection: SSLRequest before the
 * StartupMessage (protocol-flow.html#PROTOCOL-FLOW-SSL), then on 'S' an {@link SslHandler}, on 'N' plaintext unless
 * the mode is {@code require} or stricter. {@code verify-full} checks the host name through the engine's endpoint
 * identification ({@code newHandler(alloc, host, port)}); {@code allow} behaves as {@code prefer}.
 *
 * <p>Immutable; the {@link ServerConnector} holds the current one and a RELOAD swaps it (connections already open keep
 * their TLS session). The negotiation runs on the server connection's event loop.
 *
 * @param mode    server_tls_sslmode
 * @param context client-side context, null when the mode is disable
 */
public record ServerTls(SslMode mode, @Nullable SslContext context) {
    public static final String HANDLER = "tls";

    public ServerTls {
        if (mode != SslMode.DISABLE && context == null) {
            throw new IllegalArgumentException("server_tls_sslmode " + mode.configName() + " needs a TLS context");
        }
    }

    public static ServerTls disabled() {
        return new ServerTls(SslMode.DISABLE, null);
    }

    boolean required() {
        return mode.compareTo(SslMode.REQUIRE) >= 0;
    }

    /** Whether a connection to {@code target} starts with an SSLRequest (never over a Unix socket, as libpq). */
    boolean appliesTo(ServerTarget target) {
        return context != null && !target.isUnixSocket();
    }

    /** What the negotiation reports to its server connection. */
    interface Outcome {
        /** Send the StartupMessage now; {@code tlsServerEndPoint} is the channel binding, null in plaintext. */
        void proceed(byte @Nullable [] tlsServerEndPoint);

        void fail(String reason);
    }

    /** Writes the SSLRequest and installs the one-byte response reader in front of the frame decoder. */
    void begin(ChannelHandlerContext ctx, ServerTarget target, Outcome outcome) {
        ctx.pipeline().addFirst(SslResponse.NAME, new SslResponse(this, target, outcome));
        ByteBuf request = ctx.alloc().buffer(8).writeInt(8).writeInt(StartupCode.SSL_REQUEST);
        ctx.writeAndFlush(request, ctx.voidPromise());
    }

    /**
     * Reads the server's single-byte answer to SSLRequest. Bytes after it that arrived in the same read were sent in
     * plaintext and may have been injected on the path (Odyssey CVE-2021-43767, PgBouncer server.c): the connection
     * is dropped before anything else is read.
     */
    static final class SslResponse extends ByteToMessageDecoder {
        static final String NAME = "ssl-response";

        private final ServerTls tls;
        private final ServerTarget target;
        private final Outcome outcome;
        private boolean answered;

        SslResponse(ServerTls tls, ServerTarget target, Outcome outcome) {
            this.tls = tls;
            this.target = target;
            this.outcome = outcome;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (answered) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (!in.isReadable()) {
                return;
            }
            answered = true;
            byte answer = in.readByte();
            if ((answer == 'S' || answer == 'N') && in.isReadable()) {
                in.skipBytes(in.readableBytes());
                outcome.fail("received unencrypted data after SSL response");
                return;
            }
            switch (answer) {
                case 'S' -> {
                    SslContext context = tls.context();
                    if (context == null) {
                        throw new IllegalStateException("TLS requested without a context");
                    }
                    SslHandler handler = context.newHandler(ctx.alloc(), target.host(), target.port());
                    ctx.pipeline().replace(this, HANDLER, handler);
                    handler.handshakeFuture().addListener(done -> {
                        if (done.isSuccess()) {
                            outcome.proceed(endPoint(handler));
                        } else {
                            outcome.fail("TLS handshake with server failed: " + done.cause().getMessage());
                        }
                    });
                }
                case 'N' -> {
                    if (tls.required()) {
                        outcome.fail("server does not support SSL, but server_tls_sslmode is "
                                + tls.mode().configName());
                        return;
                    }
                    ctx.pipeline().remove(this);
                    outcome.proceed(null);
                }
                case 'E' -> {
                    // An error instead of 'S'/'N' (CVE-2024-10977 class): never shown to a client, never retried here.
                    in.skipBytes(in.readableBytes());
                    outcome.fail("server sent an error in answer to SSLRequest");
                }
                default -> {
                    in.skipBytes(in.readableBytes());
                    outcome.fail("invalid answer to SSLRequest: 0x" + Integer.toHexString(answer & 0xff));
                }
            }
        }

        private static byte @Nullable [] endPoint(SslHandler handler) {
            try {
                Certificate[] peer = handler.engine().getSession().getPeerCertificates();
                return peer.length > 0 && peer[0] instanceof X509Certificate x509
                        ? ChannelBinding.tlsServerEndPoint(x509) : null;
            } catch (javax.net.ssl.SSLPeerUnverifiedException | IllegalArgumentException e) {
                return null;                                 // no binding: SCRAM-SHA-256 without PLUS
            }
        }
    }
}
