package io.tidepool.pooler.client;

import io.netty.buffer.ByteBuf;
import io.tidepool.pooler.link.StatementRewriter;
import io.tidepool.pooler.server.ServerConnection;
import io.tidepool.wire.Frame;
import io.tidepool.wire.MessageRun;
import io.tidepool.wire.WireUnit;
import org.jspecify.annotations.Nullable;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Forwards a client's {@link MessageRun} (what it sent in one go) to its server: each stretch of messages that pass
 * unchanged ({@link UnchangedMessages}) in one write, the others one by one, in order, through the client's own
 * single-message path. Owned by one {@link ClientSession}, which hands it its callbacks once (no allocation per
 * run); event-loop confined.
 */
final class RunForwarding {
    private final ClientParameters parameters;
    /** The client's single-message path to its server (Terminate, the statement rewriter). */
    private final Consumer<Frame> oneMessage;
    /** Whether the client is still linked (a message handled one by one may end the client). */
    private final BooleanSupplier linked;

    RunForwarding(ClientParameters parameters, Consumer<Frame> oneMessage, BooleanSupplier linked) {
        this.parameters = parameters;
        this.oneMessage = oneMessage;
        this.linked = linked;
    }

    /** Forwards the messages of {@code bytes} (taking them over) to {@code s}. */
    void forward(ByteBuf bytes, ServerConnection s, @Nullable StatementRewriter rewriter) {
        int start = bytes.readerIndex();
        int end = bytes.writerIndex();
        int unsent = start;
        try {
            for (int at = start; at < end && linked.getAsBoolean(); ) {
                byte type = bytes.getByte(at);
                int next = Frame.endOf(bytes, at);
                if (UnchangedMessages.passes(type, bytes, at, next, rewriter, s)) {
                    if (rewriter != null && (type == 'Q' || type == 'P')) {
                        bytes.setIndex(at, next);           // the message alone, read in place: no slice per message
                        try {
                            parameters.forwarding(type, bytes, s.outstanding() > 0);
                        } finally {
                            bytes.setIndex(start, end);
                        }
                    }
                } else {
                    if (at > unsent) {
                        s.sendMessages(bytes.retainedSlice(unsent, at - unsent));
                    }
                    unsent = next;
                    oneMessage.accept(new Frame(type, bytes.retainedSlice(at, next - at)));
                }
                at = next;
            }
            if (unsent == start && linked.getAsBoolean()) {
                s.sendMessages(bytes);                      // the usual case: the whole run, no slice
                bytes = null;
            } else if (unsent < end && linked.getAsBoolean()) {
                s.sendMessages(bytes.retainedSlice(unsent, end - unsent));
            }
        } finally {
            if (bytes != null) {
                bytes.release();
            }
        }
    }

    /** Hands a run's messages to {@code each} one frame at a time (taking the run over). */
    static void split(MessageRun run, Consumer<WireUnit> each) {
        ByteBuf bytes = run.bytes();
        try {
            int end = bytes.writerIndex();
            for (int at = bytes.readerIndex(); at < end; ) {
                int next = run.endOf(at);
                each.accept(new Frame(run.typeAt(at), bytes.retainedSlice(at, next - at)));
                at = next;
            }
        } finally {
            bytes.release();
        }
    }
}
