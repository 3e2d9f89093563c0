package io.tidepool.pooler.app;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import io.tidepool.pooler.client.ClientContext;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.client.TlsNegotiation;
import io.tidepool.pooler.net.Transport;
import io.tidepool.pooler.server.ServerConnector;
import io.tidepool.wire.Limits;
import io.tidepool.wire.codec.StartupDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The client-facing sockets: TCP on listen_addr:listen_port and the Unix socket {@code .s.PGSQL.<port>} in
 * unix_socket_dir, as PgBouncer. Each accepted connection gets a {@link StartupDecoder} and a {@link ClientSession}
 * built with the context current at accept time.
 */
final class Listeners implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<Channel> channels = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();

    static Listeners open(Transport transport, EventLoopGroup boss, EventLoopGroup workers, String listenAddr,
                          int port, String unixSocketDir, int backlog, int pktBuf, Limits limits,
                          Supplier<ClientContext> context) throws InterruptedException, IOException {
        Listeners listeners = new Listeners();
        RecvByteBufAllocator readSizes = Transport.readSizes(pktBuf);
        ChannelInitializer<Channel> initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ClientContext current = context.get();
                // The first byte decides: 0x16 is PostgreSQL 17's direct TLS, anything else a startup packet.
                ch.pipeline().addLast(TlsNegotiation.DirectTls.NAME, new TlsNegotiation.DirectTls(current.tls()));
                ch.pipeline().addLast(StartupDecoder.NAME, new StartupDecoder(limits));
                ch.pipeline().addLast("client", new ClientSession(current));
            }
        };
        for (String address : addresses(listenAddr)) {
            ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ServerConnector.WATERMARK)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                    .childHandler(initializer);
            Channel channel = bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
            listeners.channels.add(channel);
            log.info("listening on {}", channel.localAddress());
        }
        if (!unixSocketDir.isBlank() && transport.serverDomainChannel() != null) {
            Path socket = Path.of(unixSocketDir, ".s.PGSQL." + port);
            Files.deleteIfExists(socket);                   // a stale file from a crashed run
            Channel channel = new ServerBootstrap().group(boss, workers)
                    .channel(transport.serverDomainChannel())
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ServerConnector.WATERMARK)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                    .childHandler(initializer)
                    .bind(new DomainSocketAddress(socket.toString())).sync().channel();
            listeners.channels.add(channel);
            listeners.socketFiles.add(socket);
            log.info("listening on unix:{}", socket);
        }
        return listeners;
    }

    /** listen_addr: a comma-separated list; {@code *} means all IPv4 and IPv6 addresses. */
    private static List<String> addresses(String listenAddr) {
        List<String> addresses = new ArrayList<>();
        for (String part : listenAddr.split(",")) {
            String address = part.trim();
            if (address.equals("*")) {
                addresses.add("0.0.0.0");
            } else if (!address.isEmpty()) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    /** Stops accepting; connections already accepted are not affected. */
    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        channels.clear();
        for (Path file : socketFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("could not remove {}: {}", file, e.toString());
            }
        }
    }

    List<java.net.SocketAddress> boundAddresses() {
        return channels.stream().map(Channel::localAddress).toList();
    }
}
