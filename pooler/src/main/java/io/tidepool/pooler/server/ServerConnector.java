package io.tidepool.pooler.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.DomainSocketAddress;
import io.tidepool.pooler.net.Transport;
import io.tidepool.pooler.pool.ServerTarget;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Opens TCP or Unix-socket connections to PostgreSQL on a given event loop (the client's: DESIGN "a client and its
 * server connection on one event loop"). Shared by all pools; stateless apart from the transport.
 */
public final class ServerConnector {
    /** Watermarks of every channel: what may queue toward a slow peer before its source stops reading. */
    public static final WriteBufferWaterMark WATERMARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final Transport transport;
    private final RecvByteBufAllocator readSizes;
    private volatile ServerTls tls = ServerTls.disabled();

    /** @param pktBuf {@code pkt_buf}: the smallest read from a server ({@link Transport#readSizes}) */
    public ServerConnector(Transport transport, int pktBuf) {
        this.transport = transport;
        this.readSizes = Transport.readSizes(pktBuf);
    }

    /** The server TLS policy new connections negotiate with. */
    public ServerTls tls() {
        return tls;
    }

    /** Swapped on start and RELOAD; open connections keep their session. */
    public void tls(ServerTls value) {
        tls = value;
    }

    public ChannelFuture connect(EventLoop loop, ServerTarget target, Duration connectTimeout, ChannelHandler handler) {
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        connectTimeout.isZero() ? 15_000 : connectTimeout.toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATERMARK)
                .option(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                .handler(handler);
        SocketAddress address;
        if (target.isUnixSocket()) {
            Class<? extends Channel> domain = transport.domainChannel();
            if (domain == null) {
                throw new IllegalStateException("Unix-socket server " + target + " needs the epoll transport");
            }
            bootstrap.channel(domain);
            address = new DomainSocketAddress(target.host() + "/.s.PGSQL." + target.port());
        } else {
            bootstrap.channel(transport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true);
            address = InetSocketAddress.createUnresolved(target.host(), target.port());
        }
        return bootstrap.connect(address);
    }
}
