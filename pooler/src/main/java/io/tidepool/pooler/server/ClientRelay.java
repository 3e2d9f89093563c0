package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.link.CommandTag;
import io.tidepool.pooler.link.RequestTracker;
import io.tidepool.pooler.link.ServerStatements;
import io.tidepool.pooler.link.StatementRewriter;
import io.tidepool.pooler.metrics.PoolStats;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.MessageRun;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.backend.CommandComplete;
import io.tidepool.wire.backend.CopyBothResponse;
import io.tidepool.wire.backend.CopyInResponse;
import io.tidepool.wire.backend.ControlMessages;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.backend.ParameterStatus;
import io.tidepool.wire.backend.ReadyForQuery;
import io.tidepool.wire.backend.TransactionStatus;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

/**
 * The relay of a linked server's messages to its client: every frame or frame part is written to the client as the
 * bytes it arrived in, and only ReadyForQuery, ParameterStatus and ErrorResponse are decoded (DESIGN hot-path rules
 * 1–3), plus the CommandComplete tags that reveal session state. Answers to requests the pooler made itself (its
 * {@link RequestTracker}) are swallowed here. Writes are flushed once per read batch ({@link #flushClient}).
 *
 * <p>Owned by one {@link ServerConnection}, which calls {@link #forward} for each unit read while
 * {@link ServerState#LINKED}; it never changes the connection's state. Event-loop confined: the server, its client
 * and the pool share one loop.
 */
final class ClientRelay {
    private final Pool pool;
    private final PoolStats stats;
    private final ServerTarget target;
    private final ServerParameters parameters;
    private final RequestTracker tracker;
    private final ServerStatements statements;
    private final RequestAccounting requests;
    /** The client written to in the current read batch, flushed at channelReadComplete. */
    private @Nullable ClientSession flushTarget;
    /** A fatal error was relayed to the client: the server closes next, so it must not go back to the pool. */
    private boolean dying;

    ClientRelay(Pool pool, ServerTarget target, ServerParameters parameters, RequestTracker tracker,
            ServerStatements statements, RequestAccounting requests) {
        this.pool = pool;
        this.stats = pool.stats();
        this.target = target;
        this.parameters = parameters;
        this.tracker = tracker;
        this.statements = statements;
        this.requests = requests;
    }

    /** Writes {@code unit} (whose content this takes over) to the linked client {@code c}. */
    void forward(WireUnit unit, ClientSession c) {
        stats.sent(unit.content().readableBytes());
        if (unit instanceof FramePart part) {
            forwardPart(part, c);
        } else {
            forwardMessages(unit.content(), c);
        }
    }

    /**
     * Forwards whole messages (a {@link Frame}, or a {@link MessageRun} that ends at the latest with a ReadyForQuery):
     * each message is accounted for in order, and the bytes go to the client in as few writes as possible: one for
     * the whole run, unless an answer to the pooler's own request must be cut out or one the pooler owes the client
     * must be put in between.
     */
    private void forwardMessages(ByteBuf bytes, ClientSession c) {
        Channel out = c.channel();
        int start = bytes.readerIndex();
        int end = bytes.writerIndex();
        int unwritten = start;                              // first byte neither written nor dropped
        boolean ready = false;
        for (int at = start; at < end; ) {
            byte type = bytes.getByte(at);
            int next = Frame.endOf(bytes, at);
            if (tracker.onServerMessage(type, statements)) {
                writeSpan(bytes, unwritten, at, out);       // the answer to a request the pooler made itself
                unwritten = next;
            } else {
                ready = inspect(type, bytes, at, next, c);
            }
            if (!ready && tracker.owesFake()) {
                writeSpan(bytes, unwritten, next, out);    // the pooler's own answers belong right after it
                unwritten = next;
                tracker.drainFakes(out);
            }
            at = next;
        }
        if (unwritten == start) {
            c.output().write(bytes);                        // nothing cut out: the usual case, no slice
        } else {
            writeSpan(bytes, unwritten, end, out);
            bytes.release();
        }
        flushTarget = c;
        if (ready) {
            tracker.drainFakes(out);
            c.readyForQuery(requests.transactionStatus(), requests.outstanding(), tracker.isEmpty());
        } else {
            c.serverAnswered();
        }
    }

    private static void writeSpan(ByteBuf bytes, int from, int to, Channel out) {
        if (to > from) {
            out.write(bytes.retainedSlice(from, to - from), out.voidPromise());
        }
    }

    /**
     * What one relayed message (at {@code [at, next)} of {@code bytes}) tells: ReadyForQuery, ParameterStatus,
     * ErrorResponse and CommandComplete are read here; the rest is only forwarded.
     *
     * @return true for a ReadyForQuery (which ends its run)
     */
    private boolean inspect(byte type, ByteBuf bytes, int at, int next, ClientSession c) {
        if (tracker.hasUndo()) {
            StatementRewriter r = c.statements();         // requests skipped after an error (at 'E' or 'Z')
            tracker.drainUndo(r != null ? r::setBack : (name, previous) -> { });
        }
        switch (type) {
            case ReadyForQuery.TYPE -> {
                requests.readyForQuery(TransactionStatus.of(bytes.getByte(at + Frame.HEADER_LENGTH)));
                return true;
            }
            case ParameterStatus.TYPE -> {
                ParameterStatus status = ParameterStatus.decode(body(bytes, at, next));
                parameters.reported(status.name(), status.value());
                c.parameterChanged(status.name(), status.value());
                if (status.name().equals("in_hot_standby")) {
                    pool.group().targets().serverReported(target, status.name(), status.value());
                }
            }
            case ErrorResponse.TYPE -> {
                requests.skippedAfterError();
                ErrorResponse error = ErrorResponse.decode(body(bytes, at, next));
                c.requestFailed();
                pool.group().errorRelayed(error.code());
                if (error.isFatal() || SqlState.isFatalToServerConnection(error.code())) {
                    dying = true;                         // relayed to the client; the server closes next
                }
            }
            case CopyInResponse.TYPE, CopyBothResponse.TYPE -> requests.copyInStarted();
            case CommandComplete.TYPE -> {
                StatementRewriter rewriter = c.statements();
                if (rewriter != null) {
                    ByteBuf tag = body(bytes, at, next);
                    forgetStatementsOnDeallocateAll(tag, rewriter);
                    c.commandComplete(tag);               // session state the client's tags reveal (LISTEN, SET...)
                }
            }
            default -> {
                if (ControlMessages.isControl(type)) {
                    throw new ProtocolException("message '" + Printable.typeChar(type) + "' from server while linked");
                }
            }
        }
        return false;
    }

    /** A part of a streamed message (a huge DataRow, CopyData or notice): forwarded as it comes. */
    private void forwardPart(FramePart part, ClientSession c) {
        if (part.first()) {
            tracker.onServerMessage(part.type(), statements); // streamable types are never the pooler's own answers
        }
        Channel out = c.channel();
        c.output().write(part.bytes());
        flushTarget = c;
        if (tracker.owesFake()) {
            tracker.drainFakes(out);
        }
    }

    private static ByteBuf body(ByteBuf bytes, int at, int next) {
        return bytes.slice(at + Frame.HEADER_LENGTH, next - at - Frame.HEADER_LENGTH);
    }

    /** CommandComplete of DEALLOCATE ALL or DISCARD ALL: every prepared statement is gone, here and for the client. */
    private void forgetStatementsOnDeallocateAll(ByteBuf tag, StatementRewriter rewriter) {
        if (CommandTag.is(tag, CommandTag.DEALLOCATE_ALL) || CommandTag.is(tag, CommandTag.DISCARD_ALL)) {
            statements.clear();
            rewriter.forgetAll();
        }
    }

    /** End of a read batch: flushes the client written to in it, even if the link ended in the middle of it. */
    void flushClient() {
        ClientSession written = flushTarget;
        if (written != null) {
            flushTarget = null;
            written.output().flush();
        }
    }

    /** Whether a relayed error said the server is going away (57P01 and kin, or FATAL). */
    boolean dying() {
        return dying;
    }
}
