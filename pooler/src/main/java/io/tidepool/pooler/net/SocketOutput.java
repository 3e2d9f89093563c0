package io.tidepool.pooler.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.ssl.SslHandler;
import org.jspecify.annotations.Nullable;

import java.io.IOException;

/**
 * The relay's way out to one connection: when Netty holds nothing for it, bytes go to the socket without the pipeline,
 * in the event loop's {@link SendBatch} (submitted with the loop's other sends at the end of its pass) or, where there
 * is no io_uring, with one {@code send(2)} at once; otherwise through the channel.
 *
 * <p>Why: a relayed message passed through the pipeline ({@code write} from the tail to the head, an outbound-buffer
 * entry, then {@code flush} the same way) on each of the two hops of every statement; in a profile of tpcb-like through
 * the pooler that was about a sixth of the event loop's user time, for one {@code send(2)} that this makes directly.
 * Netty stays in charge of everything else: when the socket takes only part of the bytes (its send buffer is full), the
 * rest goes to the channel, which writes it when the socket is writable again, tracks writability (back-pressure) and
 * reports errors; a later write sees Netty's queue non-empty and queues behind it, so the order never changes. A write
 * that fails goes the channel's way too, so that the error is reported and the connection closed as before.
 *
 * <p>Only for a plain socket of the epoll transport (TLS must go through the pipeline's {@link SslHandler}) and only on
 * the channel's event loop; anything else writes through the channel. Call {@link #of} once the connection's
 * pipeline is final (after login: no TLS handler is added later).
 */
public final class SocketOutput {
    private final Channel channel;
    private final @Nullable Socket socket;
    private final @Nullable SendBatch batch;
    /** Bytes of this connection wait in {@link #batch}; only the loop's thread reads or writes this. */
    boolean waitingInBatch;

    private SocketOutput(Channel channel, @Nullable Socket socket, @Nullable SendBatch batch) {
        this.channel = channel;
        this.socket = socket;
        this.batch = batch;
        if (batch != null) {
            channel.pipeline().addFirst("send-batch-barrier", SendBatch.BARRIER);
        }
    }

    public static SocketOutput of(Channel channel) {
        Socket socket = plainSocket(channel);
        boolean onLoop = channel.eventLoop().inEventLoop();
        return new SocketOutput(channel, socket, socket != null && onLoop ? SendBatch.ofCurrentLoop() : null);
    }

    /** Direct sends only, as where there is no io_uring: lets tests cover that path on machines that have one. */
    static SocketOutput withoutBatch(Channel channel) {
        return new SocketOutput(channel, plainSocket(channel), null);
    }

    private static @Nullable Socket plainSocket(Channel channel) {
        boolean epoll = channel instanceof EpollSocketChannel || channel instanceof EpollDomainSocketChannel;
        boolean plain = epoll && channel.pipeline().get(SslHandler.class) == null;
        // the same send(2) as Netty's own writes (write(2) would also notify file watchers)
        return plain && ((UnixChannel) channel).fd() instanceof Socket s ? s : null;
    }

    /** Whether the event loops hand their sends to the kernel in batches, or why not (for the startup log). */
    public static String sendMode() {
        String whyNot = SendBatch.unavailableReason();
        return whyNot == null ? "io_uring send batches" : "direct sends (" + whyNot + ")";
    }

    /** Writes {@code bytes} (taking them over) now or, when they cannot all go now, by the next {@link #flush}. */
    public void write(ByteBuf bytes) {
        if (socket != null && bytes.hasMemoryAddress() && nothingQueued() && channel.isActive()
                && channel.eventLoop().inEventLoop()) {
            if (batch != null && batch.enabled()) {
                batch.add(this, socket.intValue(), bytes, channel.eventLoop());
                return;
            }
            int from = bytes.readerIndex();
            int to = bytes.writerIndex();
            try {
                int written = socket.sendAddress(bytes.memoryAddress(), from, to);
                if (written == to - from) {
                    bytes.release();
                    return;
                }
                bytes.readerIndex(from + Math.max(0, written));
            } catch (IOException e) {
                // the channel's write meets the same error and reports it (exceptionCaught, close)
            }
        }
        channel.write(bytes, channel.voidPromise());        // the barrier sends what waits in the batch first
    }

    /** Flushes what had to be queued in the channel; nothing to do after direct writes. */
    public void flush() {
        if (!nothingQueued()) {
            channel.flush();
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** What the socket did not take from the batch: the channel writes it when the socket drains. */
    void writeThroughChannel(ByteBuf rest) {
        channel.writeAndFlush(rest, channel.voidPromise());
    }

    /** The batch lost bytes meant for this connection: it cannot go on. */
    void closeAfterLoss() {
        channel.close();
    }

    private boolean nothingQueued() {
        ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
        return queue == null || queue.totalPendingWriteBytes() == 0 && queue.isEmpty();
    }
}
