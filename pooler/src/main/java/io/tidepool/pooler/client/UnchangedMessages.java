package io.tidepool.pooler.client;

import io.netty.buffer.ByteBuf;
import io.tidepool.pooler.link.LinkedServer;
import io.tidepool.pooler.link.StatementRewriter;
import io.tidepool.wire.Frame;
import io.tidepool.wire.MessageRun;
import org.jspecify.annotations.Nullable;

/**
 * Which of a client's messages go to the server exactly as they arrived, judged on their first bytes: for a client
 * whose {@link MessageRun} is forwarded, a stretch of such messages is written to the server in one piece (pgbench
 * {@code -M extended}'s Parse, Bind, Describe, Execute, Sync: one write instead of five), and only the others go one
 * by one through the {@link StatementRewriter}.
 *
 * <p>Without statement tracking every message but Terminate passes unchanged. With it, those the rewriter would pass
 * through untouched: unnamed statements and portals (Parse, Bind, Describe, Close of them), Execute, Sync, Flush,
 * Query, FunctionCall and COPY messages; never while the rewriter drops messages up to a Sync. A malformed message is
 * never judged unchanged, so the rewriter reports it.
 */
final class UnchangedMessages {
    private UnchangedMessages() {
    }

    /** Whether the message of {@code type} at {@code [at, next)} of {@code bytes} passes to the server unchanged. */
    static boolean passes(byte type, ByteBuf bytes, int at, int next, @Nullable StatementRewriter rewriter,
                          LinkedServer server) {
        if (rewriter == null) {
            return type != 'X';                             // Terminate ends the client, not the server's session
        }
        if (rewriter.dropsUntilSync(server)) {
            return false;
        }
        int body = at + Frame.HEADER_LENGTH;
        return switch (type) {
            case 'E', 'S', 'H', 'Q', 'F', 'd', 'c', 'f' -> true;
            case 'P' -> body < next && bytes.getByte(body) == 0;                          // unnamed statement
            case 'B' -> unnamedStatementAfterPortal(bytes, body, next);
            case 'D' -> next - body >= 2 && (bytes.getByte(body) == 'P'
                    || bytes.getByte(body) == 'S' && bytes.getByte(body + 1) == 0);      // a portal, or unnamed
            case 'C' -> next - body >= 2 && bytes.getByte(body) == 'P';                   // portals are the server's
            default -> false;
        };
    }

    /** Bind: {@code portal\0 statement\0 ...}; true when the statement name is empty. */
    private static boolean unnamedStatementAfterPortal(ByteBuf bytes, int body, int next) {
        int portalEnd = bytes.indexOf(body, next, (byte) 0);
        return portalEnd >= 0 && portalEnd + 1 < next && bytes.getByte(portalEnd + 1) == 0;
    }
}
