package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Frame;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rewriter's assumptions when several Sync batches are pipelined and an early one fails (RELIABILITY case 74):
 * a Parse or Close the server skipped is rolled back, newest first, and a later batch is held back (the pipeline
 * barrier) until the earlier one's outcome is known. The server is played by feeding reply types to the tracker, as a
 * server connection does; the integration tests (PipelineIT, StatementCacheIT) prove the same against PostgreSQL.
 */
class StatementRewriterBarrierTest {
    private final StatementRewriter rewriter = new StatementRewriter();
    private final FakeServer server = new FakeServer(1);
    private final EmbeddedChannel client = new EmbeddedChannel();

    @AfterEach
    void finish() {
        server.tracker().clear();
        server.wire.release();
        client.flushOutbound();                             // written with a void promise: flush before close
        client.finishAndReleaseAll();
    }

    @Test
    void skippedPooledParseAndEvictionAreRolledBackBeforeTheNextBatchIsRewritten() {
        String one = name("SELECT 'one'");
        String two = name("SELECT 'two'");
        send(parse("s1", "SELECT 'one'"), parse("s2", "SELECT 'two'"), sync());
        assertThat(server.sent()).containsExactly("P " + one, "C " + one, "P " + two, "S");
        assertThat(StatementRewriter.mustWait(server)).as("batch 1 is closed and unanswered").isTrue();
        assertThat(reply("1", "3", "1")).containsExactly(false, true, false);   // the eviction's CloseComplete is ours
        assertThat(server.statements().isConfirmed(two)).isTrue();
        assertThat(StatementRewriter.mustWait(server)).as("every assumption answered").isFalse();
        reply("Z");

        // Batch 2 fails at its first Bind: the Close of tp(two) and the Parse of tp(one) the pooler added are skipped.
        send(parse("", "SELECT 1/0"), bind(""), execute(), bind("s1"), execute(), sync());
        assertThat(server.sent()).containsExactly("P ", "B ", "E", "C " + two, "P " + one, "B " + one, "E", "S");
        assertThat(server.statements().contains(one)).isTrue();
        assertThat(server.statements().isConfirmed(one)).as("only sent").isFalse();
        assertThat(StatementRewriter.mustWait(server)).isTrue();
        reply("1", "E");
        assertThat(server.statements().contains(one)).as("its Parse was skipped").isFalse();
        assertThat(server.statements().isConfirmed(two)).as("its Close was skipped").isTrue();
        assertThat(StatementRewriter.mustWait(server)).isFalse();
        reply("Z");

        // Batch 3, rewritten only now, prepares tp(one) again.
        send(bind("s1"), execute(), sync());
        assertThat(server.sent()).containsExactly("C " + two, "P " + one, "B " + one, "E", "S");
    }

    @Test
    void evictionsOfEachOtherSkippedInOneBatchLeaveTheCacheAsItWas() {
        String one = name("SELECT 'one'");
        String two = name("SELECT 'two'");
        send(parse("s1", "SELECT 'one'"), parse("s2", "SELECT 'two'"), sync());
        reply("1", "3", "1", "Z");
        server.sent();
        send(parse("", "SELECT 1/0"), bind(""), execute(), bind("s1"), execute(), bind("s2"), execute(), sync());
        assertThat(server.sent()).containsExactly("P ", "B ", "E", "C " + two, "P " + one, "B " + one, "E",
                "C " + one, "P " + two, "B " + two, "E", "S");
        reply("1", "E", "Z");
        assertThat(server.statements().size()).isEqualTo(1);
        assertThat(server.statements().isConfirmed(two)).isTrue();
        assertThat(server.statements().contains(one)).isFalse();
    }

    @Test
    void clientParseSkippedAfterAnErrorLeavesNoStatement() {
        send(parse("", "SELECT 1/0"), bind(""), execute(), parse("skipped", "SELECT 3"), sync());
        assertThat(StatementRewriter.mustWait(server)).isTrue();
        assertThat(rewriter.size()).isEqualTo(1);
        reply("1", "E");
        server.tracker().drainUndo(rewriter::setBack);
        assertThat(rewriter.size()).as("PostgreSQL never created it").isZero();
        assertThat(server.statements().contains(name("SELECT 3"))).isFalse();
        reply("Z");
        server.sent();
        send(bind("skipped"), execute(), sync());
        assertThat(server.sent()).as("unknown: the server answers 26000 under the client's name")
                .containsExactly("B skipped", "E", "S");
    }

    @Test
    void clientCloseSkippedAfterAnErrorKeepsTheStatement() {
        send(parse("s1", "SELECT 1"), sync());
        reply("1", "Z");
        send(parse("", "SELECT 1/0"), bind(""), execute(), closeStatement("s1"), sync());
        assertThat(rewriter.size()).isZero();
        assertThat(StatementRewriter.mustWait(server)).isTrue();
        reply("1", "E");
        server.tracker().drainUndo(rewriter::setBack);
        assertThat(rewriter.size()).as("the Close was skipped").isEqualTo(1);
        reply("Z");
        server.sent();
        send(bind("s1"), execute(), sync());
        assertThat(server.sent()).containsExactly("B " + name("SELECT 1"), "E", "S");
        assertThat(clientReplies()).as("no CloseComplete for the skipped Close").doesNotContain("3");
    }

    @Test
    void afterAnErrorBeforeSyncClientMessagesAreDroppedUntilSync() {
        send(parse("", "SELECT 1/0"), bind(""), execute(), flush());
        reply("1", "E");
        server.sent();
        send(parse("later", "SELECT 3"), closeStatement("x"), sync());
        assertThat(server.sent()).as("PostgreSQL ignores them until Sync").containsExactly("S");
        assertThat(clientReplies()).as("no ParseComplete or CloseComplete invented").isEmpty();
        assertThat(rewriter.size()).isZero();
    }

    @Test
    void duplicateNameSkippedAfterAnErrorGetsNoError() {
        send(parse("s1", "SELECT 1"), sync());
        reply("1", "Z");
        send(parse("", "SELECT 1/0"), bind(""), execute(), parse("s1", "SELECT 2"), sync());
        reply("1", "E", "Z");
        assertThat(clientReplies()).as("PostgreSQL skips the Parse: no 42P05").isEmpty();
        send(parse("s1", "SELECT 2"), sync());
        assertThat(clientReplies()).as("a real duplicate").containsExactly("E");
        reply("Z");
        assertThat(server.tracker().isEmpty()).isTrue();
    }

    @Test
    void noBarrierWhenNothingIsAssumed() {
        send(parse("s1", "SELECT 1"), sync());
        reply("1", "Z");
        send(bind("s1"), execute(), sync(), bind("s1"), execute(), sync());
        assertThat(StatementRewriter.mustWait(server)).as("statement confirmed, plain Bind/Execute").isFalse();
        send(parse("s2", "SELECT 1"), sync());
        assertThat(StatementRewriter.mustWait(server)).as("answered by the pooler behind pending requests").isTrue();
        reply("2", "C", "Z", "2", "C", "Z");
        assertThat(StatementRewriter.mustWait(server)).as("its ParseComplete went out in order").isFalse();
        reply("Z");
        assertThat(server.tracker().isEmpty()).isTrue();
    }

    // ---- helpers ----

    private void send(ByteBuf... messages) {
        for (ByteBuf message : messages) {
            rewriter.forward(new Frame(message.getByte(0), message), server, client);
        }
    }

    /** Feeds reply types to the tracker; returns, per reply, whether the pooler swallows it. */
    private List<Boolean> reply(String... types) {
        List<Boolean> swallowed = new ArrayList<>();
        for (String type : types) {
            swallowed.add(server.tracker().onServerMessage((byte) type.charAt(0), server.statements()));
            server.tracker().drainFakes(client);
        }
        return swallowed;
    }

    private List<String> clientReplies() {
        client.flushOutbound();
        List<String> types = new ArrayList<>();
        for (Object out; (out = client.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            types.add(String.valueOf((char) buf.getByte(buf.readerIndex())));
            buf.release();
        }
        return types;
    }

    private static String name(String query) {
        return StatementDef.of(query, new byte[2]).serverName();
    }

    private static ByteBuf end(ByteBuf out, int at) {
        LengthPrefix.end(out, at);
        return out;
    }

    private static ByteBuf parse(String name, String query) {
        ByteBuf out = Unpooled.buffer();
        int at = LengthPrefix.begin(out, (byte) 'P');
        CStrings.write(out, name);
        CStrings.write(out, query);
        out.writeShort(0);
        return end(out, at);
    }

    private static ByteBuf bind(String statement) {
        ByteBuf out = Unpooled.buffer();
        int at = LengthPrefix.begin(out, (byte) 'B');
        CStrings.write(out, "");
        CStrings.write(out, statement);
        out.writeShort(0).writeShort(0).writeShort(0);
        return end(out, at);
    }

    private static ByteBuf execute() {
        ByteBuf out = Unpooled.buffer();
        int at = LengthPrefix.begin(out, (byte) 'E');
        CStrings.write(out, "");
        out.writeInt(0);
        return end(out, at);
    }

    private static ByteBuf closeStatement(String name) {
        ByteBuf out = Unpooled.buffer();
        int at = LengthPrefix.begin(out, (byte) 'C');
        out.writeByte('S');
        CStrings.write(out, name);
        return end(out, at);
    }

    private static ByteBuf sync() {
        return Unpooled.buffer(5).writeByte('S').writeInt(4);
    }

    private static ByteBuf flush() {
        return Unpooled.buffer(5).writeByte('H').writeInt(4);
    }

    /** The server side of a link, recording what the rewriter sends as "type name" lines. */
    private static final class FakeServer implements LinkedServer {
        private final RequestTracker tracker = new RequestTracker();
        private final ServerStatements statements = new ServerStatements(new KnownStatements());
        private final int max;
        private final ByteBuf wire = Unpooled.buffer();

        FakeServer(int max) {
            this.max = max;
        }

        @Override
        public void send(WireUnit unit) {
            sendBuilt(unit.content());
        }

        @Override
        public void sendBuilt(ByteBuf bytes) {
            wire.writeBytes(bytes);
            bytes.release();
        }

        @Override
        public RequestTracker tracker() {
            return tracker;
        }

        @Override
        public ServerStatements statements() {
            return statements;
        }

        @Override
        public int maxPreparedStatements() {
            return max;
        }

        /** The messages sent since the last call: type and the statement name Parse, Bind or Close carried. */
        List<String> sent() {
            List<String> lines = new ArrayList<>();
            while (wire.isReadable()) {
                char type = (char) wire.readByte();
                ByteBuf body = wire.readSlice(wire.readInt() - 4);
                lines.add(switch (type) {
                    case 'P' -> "P " + CStrings.read(body, "name");
                    case 'B' -> {
                        CStrings.skip(body, "portal");
                        yield "B " + CStrings.read(body, "name");
                    }
                    case 'C' -> {
                        body.skipBytes(1);
                        yield "C " + CStrings.read(body, "name");
                    }
                    default -> String.valueOf(type);
                });
            }
            wire.clear();
            return lines;
        }
    }
}
