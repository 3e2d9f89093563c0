package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
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
import io.tidepool.wire.WireUnit;
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
    private @Nullable Channel flushTarget;
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
        boolean whole = unit instanceof Frame;
        if ((whole || ((FramePart) unit).first()) && tracker.onServerMessage(unit.type(), statements)) {
            ReferenceCountUtil.release(unit.content());     // the answer to a request the pooler made itself
            return;
        }
        if (tracker.hasUndo()) {
            StatementRewriter r = c.statements();         // requests skipped after an error (at 'E' or 'Z')
            tracker.drainUndo(r != null ? r::setBack : (name, previous) -> { });
        }
        if (unit.type() == ErrorResponse.TYPE) {
            requests.skippedAfterError();
        }
        if (unit instanceof Frame frame && ControlMessages.isControl(frame.type())) {
            switch (frame.type()) {
                case ReadyForQuery.TYPE -> {
                    requests.readyForQuery(
                            TransactionStatus.of(frame.bytes().getByte(frame.bytes().readerIndex() + 5)));
                    c.channel().write(frame.bytes(), c.channel().voidPromise());
                    flushTarget = c.channel();
                    tracker.drainFakes(c.channel());
                    c.readyForQuery(requests.transactionStatus(), requests.outstanding(), tracker.isEmpty());
                    return;
                }
                case ParameterStatus.TYPE -> {
                    ParameterStatus status = ParameterStatus.decode(frame.body());
                    parameters.reported(status.name(), status.value());
                    c.parameterChanged(status.name(), status.value());
                    if (status.name().equals("in_hot_standby")) {
                        pool.group().targets().serverReported(target, status.name(), status.value());
                    }
                }
                case ErrorResponse.TYPE -> {
                    ErrorResponse error = ErrorResponse.decode(frame.body());
                    c.requestFailed();
                    pool.group().errorRelayed(error.code());
                    if (error.isFatal() || SqlState.isFatalToServerConnection(error.code())) {
                        dying = true;                     // relayed to the client; the server closes next
                    }
                }
                default -> throw new ProtocolException("message '" + Printable.typeChar(frame.type())
                        + "' from server while linked");
            }
        }
        StatementRewriter rewriter = unit.type() == 'C' && whole ? c.statements() : null;
        if (rewriter != null) {
            forgetStatementsOnDeallocateAll((Frame) unit, rewriter);
            c.commandComplete(((Frame) unit).body());    // session state the client's tags reveal (LISTEN, SET...)
        }
        c.channel().write(unit.content(), c.channel().voidPromise());
        flushTarget = c.channel();
        if (!tracker.isEmpty()) {
            tracker.drainFakes(c.channel());
        }
    }

    /** CommandComplete of DEALLOCATE ALL or DISCARD ALL: every prepared statement is gone, here and for the client. */
    private void forgetStatementsOnDeallocateAll(Frame frame, StatementRewriter rewriter) {
        ByteBuf body = frame.body();
        if (CommandTag.is(body, CommandTag.DEALLOCATE_ALL) || CommandTag.is(body, CommandTag.DISCARD_ALL)) {
            statements.clear();
            rewriter.forgetAll();
        }
    }

    /** End of a read batch: flushes the client written to in it, even if the link ended in the middle of it. */
    void flushClient() {
        Channel written = flushTarget;
        if (written != null) {
            flushTarget = null;
            written.flush();
        }
    }

    /** Whether a relayed error said the server is going away (57P01 and kin, or FATAL). */
    boolean dying() {
        return dying;
    }
}
