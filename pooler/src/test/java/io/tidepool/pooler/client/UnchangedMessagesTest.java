package io.tidepool.pooler.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.pooler.link.KnownStatements;
import io.tidepool.pooler.link.LinkedServer;
import io.tidepool.pooler.link.RequestTracker;
import io.tidepool.pooler.link.ServerStatements;
import io.tidepool.pooler.link.StatementRewriter;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.frontend.Bind;
import io.tidepool.wire.frontend.Close;
import io.tidepool.wire.frontend.Describe;
import io.tidepool.wire.frontend.Execute;
import io.tidepool.wire.frontend.FrontendMessage;
import io.tidepool.wire.frontend.ObjectKind;
import io.tidepool.wire.frontend.Parse;
import io.tidepool.wire.frontend.Query;
import io.tidepool.wire.frontend.Sync;
import io.tidepool.wire.frontend.Terminate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which client messages a run may forward in one piece: exactly those {@link StatementRewriter#forward} would pass
 * on untouched. The byte-for-byte proof that a run reaches the server as the frames did is in the integration tests
 * (PipelineIT, SkipToSyncIT, StatementCacheIT, TransactionPgbenchIT against PostgreSQL).
 */
class UnchangedMessagesTest {
    private final RequestTracker tracker = new RequestTracker();
    private final LinkedServer server = new LinkedServer() {
        @Override
        public void send(WireUnit unit) {
            unit.content().release();
        }

        @Override
        public void sendBuilt(ByteBuf bytes) {
            bytes.release();
        }

        @Override
        public RequestTracker tracker() {
            return tracker;
        }

        @Override
        public ServerStatements statements() {
            return new ServerStatements(new KnownStatements());
        }

        @Override
        public int maxPreparedStatements() {
            return 10;
        }
    };
    private final StatementRewriter rewriter = new StatementRewriter();

    @Test
    void unnamedStatementsAndPortalsPassAsTheyAre() {
        assertThat(passes(new Parse("", "SELECT 1", new int[0]))).isTrue();
        assertThat(passes(bind("", ""))).isTrue();
        assertThat(passes(bind("portal_1", ""))).as("a named portal of the unnamed statement").isTrue();
        assertThat(passes(new Describe(ObjectKind.PORTAL, ""))).isTrue();
        assertThat(passes(new Describe(ObjectKind.PORTAL, "portal_1"))).isTrue();
        assertThat(passes(new Describe(ObjectKind.STATEMENT, ""))).isTrue();
        assertThat(passes(new Close(ObjectKind.PORTAL, "portal_1"))).isTrue();
        assertThat(passes(new Execute("", 0))).isTrue();
        assertThat(passes(Sync.INSTANCE)).isTrue();
        assertThat(passes(new Query("SELECT 1"))).isTrue();
    }

    @Test
    void namedStatementsGoThroughTheRewriter() {
        assertThat(passes(new Parse("s1", "SELECT 1", new int[0]))).isFalse();
        assertThat(passes(bind("", "s1"))).isFalse();
        assertThat(passes(bind("portal_1", "s1"))).isFalse();
        assertThat(passes(new Describe(ObjectKind.STATEMENT, "s1"))).isFalse();
        assertThat(passes(new Close(ObjectKind.STATEMENT, "s1"))).isFalse();
        assertThat(passes(new Close(ObjectKind.STATEMENT, ""))).isFalse();
    }

    @Test
    void terminateAndMalformedMessagesAreNeverPassedInBulk() {
        assertThat(passes(Terminate.INSTANCE)).isFalse();
        assertThat(passesWithoutRewriter(Terminate.INSTANCE)).isFalse();
        assertThat(passes(raw('P'))).as("Parse without a body").isFalse();
        assertThat(passes(raw('B', 'p', 0))).as("Bind cut after the portal").isFalse();
        assertThat(passes(raw('B', 'p'))).as("Bind without a terminator").isFalse();
        assertThat(passes(raw('D', 'S'))).as("Describe without a name").isFalse();
        assertThat(passes(raw('C'))).as("Close without a body").isFalse();
    }

    @Test
    void withoutStatementTrackingEverythingButTerminatePasses() {
        assertThat(passesWithoutRewriter(new Parse("s1", "SELECT 1", new int[0]))).isTrue();
        assertThat(passesWithoutRewriter(bind("", "s1"))).isTrue();
        assertThat(passesWithoutRewriter(new Close(ObjectKind.STATEMENT, "s1"))).isTrue();
    }

    @Test
    void nothingPassesWhileTheServerSkipsToSync() {
        tracker.add(RequestTracker.Kind.PARSE_UNNAMED);
        tracker.onServerMessage((byte) 'E', server.statements());  // an error with no Sync sent: skip to Sync
        assertThat(rewriter.dropsUntilSync(server)).isTrue();
        assertThat(passes(new Execute("", 0))).isFalse();
        assertThat(passes(Sync.INSTANCE)).as("the rewriter ends the skipping at Sync").isFalse();
    }

    private boolean passes(FrontendMessage message) {
        return passes(encode(message), rewriter);
    }

    private boolean passes(ByteBuf message) {
        return passes(message, rewriter);
    }

    private boolean passesWithoutRewriter(FrontendMessage message) {
        return passes(encode(message), null);
    }

    private boolean passes(ByteBuf message, StatementRewriter r) {
        try {
            return UnchangedMessages.passes(message.getByte(0), message, 0, message.writerIndex(), r, server);
        } finally {
            message.release();
        }
    }

    private static Bind bind(String portal, String statement) {
        return new Bind(portal, statement, new int[0], new byte[0][], new int[0]);
    }

    private static ByteBuf encode(FrontendMessage message) {
        ByteBuf out = Unpooled.buffer();
        message.encode(out);
        return out;
    }

    /** A message with the given type and body bytes, its length word set. */
    private static ByteBuf raw(char type, int... body) {
        ByteBuf out = Unpooled.buffer().writeByte(type).writeInt(4 + body.length);
        for (int b : body) {
            out.writeByte(b);
        }
        return out;
    }
}
