package io.tidepool.pooler.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.tidepool.pooler.link.KnownStatements;
import io.tidepool.pooler.link.RequestTracker;
import io.tidepool.pooler.link.StatementRewriter;
import io.tidepool.wire.Frame;
import io.tidepool.wire.MessageRun;
import io.tidepool.wire.backend.ReadyForQuery;

/**
 * Between transactions, what needs no server is answered by the pooler itself (transaction and statement pooling with
 * statement tracking): a Parse of a statement the pool knows, a Close of a statement, and the Sync or Flush after them
 * (ReadyForQuery idle: the client is in no transaction). A client that re-prepares its statements on every connection
 * checkout then costs no server round trip.
 *
 * <p>Owned by one {@link ClientSession}, which asks it only while idle with nothing held; event-loop confined.
 */
final class LocalAnswers {
    /** Parse/Close answered locally since the last Sync: a Sync then needs no server either. */
    private boolean answeredLocally;

    /** Something went to a server after all: the next Sync is the server's to answer. */
    void reset() {
        answeredLocally = false;
    }

    /**
     * Whether the first message of {@code run} is one {@link #answer} may answer (a named Parse, a Close): then the
     * caller hands the run's messages over one by one instead of forwarding the run.
     */
    static boolean mayAnswerFirst(MessageRun run) {
        ByteBuf bytes = run.bytes();
        int at = bytes.readerIndex();
        byte type = bytes.getByte(at);
        return type == 'C' || type == 'P' && bytes.readableBytes() > Frame.HEADER_LENGTH
                && bytes.getByte(at + Frame.HEADER_LENGTH) != 0;
    }

    /** Answers {@code frame} on {@code client} and returns true, or returns false when a server must answer it. */
    boolean answer(StatementRewriter rewriter, Frame frame, KnownStatements known, Channel client) {
        switch (frame.type()) {
            case 'P' -> {
                if (!rewriter.parseLocally(frame, known)) {
                    return false;
                }
                client.write(RequestTracker.PARSE_COMPLETE.duplicate(), client.voidPromise());
                answeredLocally = true;
            }
            case 'C' -> {
                if (!rewriter.closeLocally(frame)) {
                    return false;
                }
                client.write(RequestTracker.CLOSE_COMPLETE.duplicate(), client.voidPromise());
                answeredLocally = true;
            }
            case 'S', 'H' -> {
                if (!answeredLocally) {
                    return false;
                }
                frame.release();
                if (frame.type() == 'S') {
                    ByteBuf ready = client.alloc().buffer(64);
                    ReadyForQuery.IDLE.encode(ready);
                    client.write(ready, client.voidPromise());
                    answeredLocally = false;
                }
                client.flush();
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
