package io.tidepool.pooler.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link IoUring} against the real kernel, on a real loopback TCP socket of the epoll transport: sends arrive, a
 * no-op sends nothing, and a send to a full socket completes at once with {@code EAGAIN} instead of waiting (the event
 * loop must never block in {@link IoUring#submitAndWait}).
 */
class IoUringTest {
    private static final int EAGAIN = 11;

    @Test
    void sendsArriveInOneSubmissionAndANoOpSendsNothing() throws Throwable {
        try (Connected c = Connected.open(); IoUring ring = openRing()) {
            ByteBuf first = direct("first;");
            ByteBuf skipped = direct("skipped;");
            ByteBuf second = direct("second");
            prepare(ring, 0, c.fd(), first);
            prepare(ring, 1, c.fd(), skipped);
            prepare(ring, 2, c.fd(), second);
            ring.cancelPrepared(1);
            assertEquals(0, ring.submitAndWait(3));
            List<long[]> completions = new ArrayList<>();
            ring.reap((userData, result) -> completions.add(new long[] {userData, result}));
            assertEquals(3, completions.size());
            for (long[] completion : completions) {
                int expected = completion[0] == 1 ? 0 : 6;         // entry 1 is the no-op
                assertEquals(expected, completion[1], "result of entry " + completion[0]);
            }
            assertArrayEquals("first;second".getBytes(), c.receive(12));
            first.release();
            skipped.release();
            second.release();
        }
    }

    @Test
    void aSendToAFullSocketCompletesAtOnceWithEagain() throws Throwable {
        try (Connected c = Connected.open(); IoUring ring = openRing()) {
            c.fillSendBuffer();
            ByteBuf bytes = direct("more");
            prepare(ring, 0, c.fd(), bytes);
            int[] result = new int[1];
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertEquals(0, ring.submitAndWait(1));
                ring.reap((userData, r) -> result[0] = r);
            }, "a non-blocking send never waits for the peer to read");
            assertEquals(-EAGAIN, result[0]);
            bytes.release();
        }
    }

    private static IoUring openRing() throws Exception {
        assumeTrue(SendBatch.unavailableReason() == null, "no io_uring here: " + SendBatch.unavailableReason());
        return IoUring.open(8);
    }

    private static void prepare(IoUring ring, int index, int fd, ByteBuf bytes) {
        ring.prepareSend(index, fd, bytes.memoryAddress() + bytes.readerIndex(), bytes.readableBytes(),
                IoUring.MSG_DONTWAIT | IoUring.MSG_NOSIGNAL, index);
    }

    private static ByteBuf direct(String text) {
        return ByteBufAllocator.DEFAULT.directBuffer().writeBytes(text.getBytes());
    }

    /** An epoll channel (non-blocking, as the pooler's) connected to a plain socket that reads only when asked. */
    private record Connected(EventLoopGroup group, ServerSocket listener, Channel channel, java.net.Socket peer)
            implements AutoCloseable {
        static Connected open() throws Exception {
            assumeTrue(Epoll.isAvailable(), "the pooler batches sends only on the epoll transport");
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            ServerSocket listener = new ServerSocket();
            listener.setReceiveBufferSize(4096);
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Channel channel = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.SO_SNDBUF, 4096).handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.getLocalSocketAddress()).sync().channel();
            java.net.Socket peer = listener.accept();
            peer.setSoTimeout(10_000);
            return new Connected(group, listener, channel, peer);
        }

        int fd() {
            return ((UnixChannel) channel).fd().intValue();
        }

        /** Sends directly until the kernel takes no more: both socket buffers are full. */
        void fillSendBuffer() throws Exception {
            Socket socket = (Socket) ((UnixChannel) channel).fd();
            ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(4096).writeZero(4096);
            try {
                while (socket.sendAddress(chunk.memoryAddress(), 0, 4096) > 0) {
                    // until EAGAIN, which Netty reports as 0
                }
            } finally {
                chunk.release();
            }
        }

        byte[] receive(int length) throws Exception {
            return peer.getInputStream().readNBytes(length);
        }

        @Override
        public void close() throws Exception {
            peer.close();
            listener.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
