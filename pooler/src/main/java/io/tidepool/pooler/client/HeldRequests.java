package io.tidepool.pooler.client;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.tidepool.wire.WireUnit;

import java.util.ArrayDeque;

/**
 * A client's messages that cannot go to a server yet: while the client waits for one, or, linked, behind the pipeline
 * barrier ({@code StatementRewriter.mustWait}). Kept in arrival order and bounded by pausing the client's reads.
 *
 * <p>While waiting, reading pauses only once more than {@link #HOLD_WHILE_READING} bytes are held: a waiting client
 * usually sends nothing more, and each pause costs an epoll_ctl each way (two per transaction when clients outnumber
 * servers: 1.96 per transaction under extended pgbench, against PgBouncer's 1.16, before this limit). Behind the
 * barrier reading pauses at once. Either way at most one more read's worth arrives.
 *
 * <p>Owned by one {@link ClientSession}; event-loop confined.
 */
final class HeldRequests {
    static final int HOLD_WHILE_READING = 16 * 1024;
    private final ArrayDeque<WireUnit> units = new ArrayDeque<>();
    private int bytes;

    boolean isEmpty() {
        return units.isEmpty();
    }

    /** Holds {@code unit} behind the pipeline barrier; reading pauses until {@link #resumeReading}. */
    void holdBehindBarrier(WireUnit unit, Channel client) {
        add(unit);
        pauseReading(client);
    }

    /** Adds {@code unit} without a decision on reading (the caller makes it once it knows whether it waits). */
    void add(WireUnit unit) {
        units.addLast(unit);
        bytes += unit.content().readableBytes();
    }

    /** Pauses the client's reads if more than the limit is held (after {@link #add}, when the client waits). */
    void limitReading(Channel client) {
        if (bytes > HOLD_WHILE_READING) {
            pauseReading(client);
        }
    }

    /** The oldest held message, removed. */
    WireUnit next() {
        WireUnit unit = units.pollFirst();
        bytes -= unit.content().readableBytes();
        return unit;
    }

    /** Resumes the client's reads once nothing is held. */
    void resumeReading(Channel client) {
        if (units.isEmpty() && !client.config().isAutoRead()) {
            client.config().setAutoRead(true);
        }
    }

    /** The client is gone: every held buffer is released. */
    void releaseAll() {
        bytes = 0;
        while (!units.isEmpty()) {
            ReferenceCountUtil.release(units.pollFirst().content());
        }
    }

    private static void pauseReading(Channel client) {
        if (client.config().isAutoRead()) {
            client.config().setAutoRead(false);
        }
    }
}
