package io.tidepool.pooler.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link SocketOutput} over a real loopback TCP connection of the epoll transport: the bytes arrive complete and in
 * order whether they went straight to the socket (in the loop's {@link SendBatch} where io_uring is available), partly
 * (the socket's buffers full), behind what Netty had queued, or before what the pipeline writes or closes after them;
 * the cases that hold for both paths run once through the batch and once with direct sends (no io_uring).
 */
class SocketOutputTest {
    private EventLoopGroup group;
    private ServerSocket listener;
    private Channel sender;
    private Socket receiver;

    @BeforeEach
    void connect() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the epoll transport is what SocketOutput writes through");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        listener = new ServerSocket();
        listener.setReceiveBufferSize(4096);                // small buffers: the socket fills up soon
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        sender = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.SO_SNDBUF, 4096)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(listener.getLocalSocketAddress()).sync().channel();
        listener.setSoTimeout(5000);
        receiver = listener.accept();
        receiver.setSoTimeout(10_000);
    }

    @AfterEach
    void close() throws IOException {
        if (receiver != null) {
            receiver.close();
        }
        if (listener != null) {
            listener.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest(name = "batched = {0}")
    @ValueSource(booleans = {true, false})
    void aWriteWithNothingQueuedGoesStraightToTheSocket(boolean batched) throws Exception {
        SocketOutput output = onLoop(() -> batched ? SocketOutput.of(sender) : SocketOutput.withoutBatch(sender));
        byte[] bytes = pattern(1, 100);
        int queuedAfter = onLoop(() -> {
            output.write(direct(bytes));
            return pendingBytes();
        });
        assertEquals(0, queuedAfter, "nothing was left for Netty: the socket took the bytes at once, without a flush");
        assertArrayEquals(bytes, receiveAll(bytes.length));
    }

    @ParameterizedTest(name = "batched = {0}")
    @ValueSource(booleans = {true, false})
    void whatTheSocketCannotTakeIsQueuedAndEverythingArrivesInOrder(boolean batched) throws Exception {
        SocketOutput output = onLoop(() -> batched ? SocketOutput.of(sender) : SocketOutput.withoutBatch(sender));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int queuedAfter = onLoop(() -> {
            for (int i = 0; i < 40; i++) {                    // 2.5 MB: far more than both socket buffers hold
                byte[] chunk = pattern(i, 64 * 1024 + i);
                expected.writeBytes(chunk);
                output.write(direct(chunk));
            }
            output.flush();
            return pendingBytes();
        });
        assertTrue(queuedAfter > 0, "the socket filled up and the rest went to Netty's queue: " + queuedAfter);
        assertArrayEquals(expected.toByteArray(), receiveAll(expected.size()));
    }

    @ParameterizedTest(name = "batched = {0}")
    @ValueSource(booleans = {true, false})
    void aWriteBehindBytesNettyHoldsWaitsForThem(boolean batched) throws Exception {
        SocketOutput output = onLoop(() -> batched ? SocketOutput.of(sender) : SocketOutput.withoutBatch(sender));
        byte[] first = pattern(7, 300);
        byte[] second = pattern(8, 200);
        onLoop(() -> {
            sender.write(direct(first), sender.voidPromise());   // queued, not flushed yet
            output.write(direct(second));
            output.flush();
            return null;
        });
        byte[] both = concat(first, second);
        assertArrayEquals(both, receiveAll(both.length));
    }

    @Test
    void aHeapBufferGoesThroughTheChannel() throws Exception {
        SocketOutput output = onLoop(() -> SocketOutput.of(sender));
        byte[] bytes = pattern(3, 50);
        int queuedAfter = onLoop(() -> {
            output.write(Unpooled.wrappedBuffer(bytes.clone()));
            int queued = pendingBytes();
            output.flush();
            return queued;
        });
        assertTrue(queuedAfter >= bytes.length, "no memory address: written through the channel, flushed later");
        assertArrayEquals(bytes, receiveAll(bytes.length));
    }

    @Test
    void writesOfOnePassGoTogetherWhenItEnds() throws Exception {
        assumeTrue(SendBatch.unavailableReason() == null, "no io_uring here: " + SendBatch.unavailableReason());
        SocketOutput output = onLoop(() -> SocketOutput.of(sender));
        byte[] bytes = pattern(4, 120);
        int arrivedDuringThePass = onLoop(() -> {
            output.write(direct(bytes));
            return receiver.getInputStream().available();
        });
        assertEquals(0, arrivedDuringThePass, "the send waits in the loop's batch until the pass is over");
        assertArrayEquals(bytes, receiveAll(bytes.length));
    }

    @Test
    void aPipelineWriteAfterABatchedOneFollowsIt() throws Exception {
        SocketOutput output = onLoop(() -> SocketOutput.of(sender));
        byte[] relayed = pattern(5, 90);
        byte[] ownMessage = pattern(6, 40);     // e.g. an ErrorResponse the pooler writes itself
        onLoop(() -> {
            output.write(direct(relayed));
            sender.writeAndFlush(direct(ownMessage), sender.voidPromise());
            return null;
        });
        byte[] both = concat(relayed, ownMessage);
        assertArrayEquals(both, receiveAll(both.length));
    }

    @ParameterizedTest(name = "batched = {0}")
    @ValueSource(booleans = {true, false})
    void aCloseAfterAWriteComesAfterItsBytes(boolean batched) throws Exception {
        SocketOutput output = onLoop(() -> batched ? SocketOutput.of(sender) : SocketOutput.withoutBatch(sender));
        byte[] bytes = pattern(9, 70);
        onLoop(() -> {
            output.write(direct(bytes));
            sender.close();
            return null;
        });
        assertArrayEquals(bytes, receiver.getInputStream().readNBytes(bytes.length + 1), "the bytes, then the end");
    }

    @Test
    void aChannelClosedBehindThePipelinesBackGetsNothingAndItsBytesAreFreed() throws Exception {
        assumeTrue(SendBatch.unavailableReason() == null, "no io_uring here: " + SendBatch.unavailableReason());
        SocketOutput output = onLoop(() -> SocketOutput.of(sender));
        ByteBuf bytes = direct(pattern(2, 60));
        onLoop(() -> {
            output.write(bytes);
            // as Netty closes a channel after a read error: the descriptor is gone before the batch is sent
            sender.unsafe().close(sender.voidPromise());
            return null;
        });
        assertEquals(-1, receiver.getInputStream().read(), "the end, and no byte sent on a closed descriptor");
        assertEquals(0, onLoop(bytes::refCnt), "the batch released the bytes it did not send");
    }

    /** Reads exactly {@code length} bytes (a read times out after 10 s), then checks that no more came. */
    private byte[] receiveAll(int length) throws IOException {
        byte[] bytes = receiver.getInputStream().readNBytes(length);
        assertEquals(length, bytes.length, "all bytes arrived");
        receiver.setSoTimeout(200);
        try {
            int more = receiver.getInputStream().read();
            assertEquals(-2, more, "no byte more than was written");
        } catch (SocketTimeoutException expected) {
            // nothing more
        }
        return bytes;
    }

    private int pendingBytes() {
        var queue = sender.unsafe().outboundBuffer();
        return queue == null ? 0 : (int) queue.totalPendingWriteBytes();
    }

    private <T> T onLoop(Callable<T> action) throws Exception {
        return sender.eventLoop().submit(action).get(10, TimeUnit.SECONDS);
    }

    private static ByteBuf direct(byte[] bytes) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        return buf.writeBytes(bytes);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** Bytes that differ per chunk and per position, so that a reordering or a lost span shows. */
    private static byte[] pattern(int chunk, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (chunk * 31 + i * 7 + (i >> 8));
        }
        return bytes;
    }
}
