package io.tidepool.pooler.net;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O transport: Netty's native epoll on Linux (edge-triggered, fewer syscalls and no selector garbage), NIO only
 * where epoll cannot load, with a log line saying so. Unix-domain listeners exist only with epoll.
 *
 * <p>Why not Netty's io_uring transport (measured, then left out): it hands the sends and receives of one pass of the
 * loop to the kernel in one {@code io_uring_enter}, and the pooler's CPU per pgbench transaction fell to 0.66-0.95x
 * PgBouncer's (1.05-1.17x with epoll). Most of that gain came from the batched sends, which the pooler now makes itself
 * beside epoll ({@link SendBatch}). But Netty 4.2.18's io_uring transport loses the end of some connections: with its default multishot
 * polls, a peer whose last bytes and reset arrive together is never reported closed (19 to 45 of 300 such connections
 * in {@code TransportTest}'s procedure); with single-shot polls, a channel closed while its peer was still sending is
 * reported inactive but its socket is never closed. Either would hold a vanished client's server connection. Worth
 * measuring again with a Netty release that fixes both (4.2.19 and 4.2.20 native jars were not in the registry here).
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel,
                        Class<? extends Channel> socketChannel,
                        @Nullable Class<? extends ServerChannel> serverDomainChannel,
                        @Nullable Class<? extends Channel> domainChannel) {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    public static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class);
        }
        log.warn("native epoll transport unavailable, falling back to NIO: {}", Epoll.unavailabilityCause().toString());
        return nio();
    }

    /** Java NIO: the fallback {@link #best} takes where epoll cannot load. */
    static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                null, null);
    }

    /**
     * How much a connection reads at a time: at least {@code pkt_buf} bytes (PgBouncer reads into a buffer of that
     * size), growing to 64 KiB while reads fill it (large results, COPY).
     *
     * <p>Why not Netty's default: it shrinks to 64 bytes after a few small reads (each ReadyForQuery after an UPDATE is
     * 20), so the next 71-byte SELECT result took two reads, was relayed as two runs, and went out in two pieces.
     * Measured with {@code strace -c} over pgbench tpcb-like through the pooler: 1.09 reads per write, now 1.00.
     */
    public static RecvByteBufAllocator readSizes(int pktBuf) {
        return new AdaptiveRecvByteBufAllocator(pktBuf, pktBuf, Math.max(pktBuf, 64 * 1024));
    }

    /** The worker loops: each owns its clients, their server connections and its pools. */
    public EventLoopGroup newGroup(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, false), ioHandlerFactory);
    }
}
