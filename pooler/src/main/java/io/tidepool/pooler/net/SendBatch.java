package io.tidepool.pooler.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One event loop's relayed sends of one pass, handed to the kernel together at the end of the pass: one
 * {@code io_uring_enter} for all of them instead of one {@code send(2)} each, while epoll still tells the loop what to
 * read.
 *
 * <p>Why: on two cores shared with PostgreSQL and the clients, the loop is preempted on its way out of a {@code send}
 * that woke the receiving process. Measured with pgbench tpcb-like, 200 clients onto 20 server connections, against
 * the direct sends of {@link SocketOutput} (same bench, alternating rounds): the loop ran 1.39 times per transaction
 * instead of 2.01 and the pooler used 138-142 µs of CPU per transaction instead of 157-160 (PgBouncer 139-143).
 *
 * <p>The rules that keep bytes in order and on the right connection:
 * <ul>
 *   <li>A send is queued only when Netty holds nothing for the connection ({@link SocketOutput}), and a second send to
 *       a connection that already waits here submits the batch first: the kernel may run entries in any order.
 *   <li>Anything else written to or closing a connection goes through its pipeline, whose first handler
 *       ({@link #BARRIER}) submits the batch first: an ErrorResponse the pooler makes itself follows the relayed bytes
 *       before it, and a close comes after them.
 *   <li>A connection closed during the pass (Netty closes on read errors without the pipeline) has its send turned
 *       into a no-op: its descriptor number may already name a new connection. Closes happen only on this loop, so
 *       the check at submission cannot race.
 *   <li>Sends are {@code MSG_DONTWAIT}: a full socket buffer completes at once with a short count or {@code EAGAIN},
 *       and the rest goes through the channel, which waits for the socket to drain (back-pressure as before).
 * </ul>
 *
 * <p>Where the kernel has no io_uring for us (seccomp in a container, {@code kernel.io_uring_disabled}), there is no
 * batch and {@link SocketOutput} sends directly, as it did before; the startup log line says which.
 */
final class SendBatch {
    private static final Logger log = LoggerFactory.getLogger(SendBatch.class);
    private static final int ENTRIES = 256;
    private static final int SEND_FLAGS = IoUring.MSG_DONTWAIT | IoUring.MSG_NOSIGNAL;
    private static final int EAGAIN = 11;
    private static final @Nullable String UNAVAILABLE = probe();

    private static final FastThreadLocal<@Nullable SendBatch> LOOP_BATCH = new FastThreadLocal<>() {
        @Override
        protected @Nullable SendBatch initialValue() {
            if (UNAVAILABLE != null) {
                return null;
            }
            try {
                return new SendBatch(IoUring.open(ENTRIES));
            } catch (IOException e) {
                log.warn("no io_uring for this event loop, sending directly: {}", e.getMessage());
                return null;
            }
        }

        @Override
        protected void onRemoval(@Nullable SendBatch batch) {
            if (batch != null) {
                batch.close();      // the loop's thread is ending
            }
        }
    };

    /** First outbound handler of every connection whose sends may wait in a batch. */
    static final ChannelOutboundHandler BARRIER = new Barrier();

    private final IoUring ring;
    private final SocketOutput[] outputs = new SocketOutput[ENTRIES];
    private final ByteBuf[] buffers = new ByteBuf[ENTRIES];     // untouched until completed: their length is the send's
    private final Runnable submitTask = this::submitAtPassEnd;
    private final IoUring.Completion onCompletion = this::completed;
    private int count;
    private boolean submitScheduled;
    private boolean disabled;

    private SendBatch(IoUring ring) {
        this.ring = ring;
    }

    /** Null where sends cannot be batched; otherwise why not, for the startup log. */
    static @Nullable String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The calling event loop's batch, made at first use; null where there is no io_uring. */
    static @Nullable SendBatch ofCurrentLoop() {
        return LOOP_BATCH.get();
    }

    boolean enabled() {
        return !disabled;
    }

    /** Queues the readable bytes of {@code bytes} (taken over) for {@code output}'s socket, sent by the pass's end. */
    void add(SocketOutput output, int socketFd, ByteBuf bytes, EventLoop loop) {
        if (output.waitingInBatch || count == ENTRIES) {
            submit();
        }
        int index = count++;
        outputs[index] = output;
        buffers[index] = bytes;
        output.waitingInBatch = true;
        ring.prepareSend(index, socketFd, bytes.memoryAddress() + bytes.readerIndex(), bytes.readableBytes(),
                SEND_FLAGS, index);
        if (!submitScheduled) {
            submitScheduled = true;
            try {
                loop.execute(submitTask);       // runs after the I/O events of this pass
            } catch (RejectedExecutionException shuttingDown) {
                submitAtPassEnd();
            }
        }
    }

    private void submitAtPassEnd() {
        submitScheduled = false;        // only here: an earlier submit leaves this task to send what comes after it
        submit();
    }

    /** Sends everything queued, now; after it nothing of this loop waits here. */
    void submit() {
        int n = count;
        if (n == 0) {
            return;
        }
        count = 0;          // a completion may write through a pipeline, whose barrier must then find nothing queued
        for (int i = 0; i < n; i++) {
            if (!outputs[i].isOpen()) {
                ring.cancelPrepared(i);
            }
        }
        int refused;
        try {
            refused = ring.submitAndWait(n);
        } catch (Throwable e) {
            log.error("io_uring failed with sends in flight; closing their connections", e);
            disabled = true;
            for (int i = 0; i < n; i++) {
                outputs[i].waitingInBatch = false;
                outputs[i].closeAfterLoss();
                buffers[i].release();
            }
            return;
        }
        if (refused != 0) {
            log.warn("io_uring refused {} sends (errno {}); this event loop sends directly from now on", n, refused);
            disabled = true;
            for (int i = 0; i < n; i++) {
                completed(i, -EAGAIN);          // none was taken: all of it goes through the channel
            }
            return;
        }
        ring.reap(onCompletion);
    }

    private void completed(long userData, int result) {
        int index = (int) userData;
        SocketOutput output = outputs[index];
        ByteBuf bytes = buffers[index];
        outputs[index] = null;
        buffers[index] = null;
        output.waitingInBatch = false;
        if (result == bytes.readableBytes() || !output.isOpen()) {
            bytes.release();
            return;
        }
        // short (the socket's buffer filled), EAGAIN, or an error the channel's own write meets again and reports
        bytes.skipBytes(Math.max(0, result));
        output.writeThroughChannel(bytes);
    }

    private void close() {
        submit();
        ring.close();
    }

    private static @Nullable String probe() {
        try (IoUring ring = IoUring.open(2)) {
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            return e.getMessage();
        }
    }

    @ChannelHandler.Sharable
    private static final class Barrier extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            submitQueued();
            ctx.write(msg, promise);
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            submitQueued();
            ctx.close(promise);
        }

        private static void submitQueued() {
            SendBatch batch = LOOP_BATCH.getIfExists();
            if (batch != null && batch.count > 0) {
                batch.submit();
            }
        }
    }
}
