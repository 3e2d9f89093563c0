package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.tx.Ext.bind;
import static io.tidepool.pooler.it.tx.Ext.execute;
import static io.tidepool.pooler.it.tx.Ext.flush;
import static io.tidepool.pooler.it.tx.Ext.parse;
import static io.tidepool.pooler.it.tx.Ext.summary;
import static io.tidepool.pooler.it.tx.Ext.sync;
import static io.tidepool.pooler.it.tx.Ext.untilReadies;
import static io.tidepool.pooler.it.tx.TxClients.login;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RELIABILITY cases 14 and 74 (extended-protocol pipelines in transaction mode, PgBouncer's
 * test_prepared_statement_pipeline_*), differential: every script runs once straight against PostgreSQL and once
 * through Tidepool (default_pool_size 1, a second client B queued on the same server between steps), and the replies
 * must be identical byte for byte, ReadyForQuery only at Sync, and B answered only with its own rows. Also the
 * split test: a pipelined Parse/Describe/Bind/Execute(row limit)/Flush/Close/Sync script cut at every byte boundary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class PipelineIT {
    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_pipe");
        postgres.execute("create database it_tx_pipe");
        pooler = TidepoolFixture.builder(postgres).database("it_tx_pipe", "it_tx_pipe").set("pool_mode", "transaction")
                .set("default_pool_size", 1).start();
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    /** Runs {@code script} (expecting {@code readies} ReadyForQuery) directly and through Tidepool; same replies. */
    private List<Message> differential(int readies, byte[]... script) {
        byte[] bytes = concat(script);
        List<Message> direct;
        try (RawClient pg = login(postgres.host(), postgres.port(), "it_tx_pipe")) {
            direct = untilReadies(pg.send(bytes), readies);
        }
        List<Message> pooled;
        try (TxClients.Pair pair = TxClients.pair(pooler, "it_tx_pipe")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            a.send(bytes);
            b.send(Ext.query("SELECT 'b-only'"));                  // queued for the same server meanwhile
            pooled = untilReadies(a, readies);
            List<Message> mine = b.untilReady(Ext.WAIT);
            assertThat(summary(mine)).as("B's replies").isEqualTo("TDCZ");
            assertThat(Ext.firstColumns(mine)).containsExactly("b-only");
        }
        assertThat(hex(pooled)).as("replies through Tidepool (%s) vs PostgreSQL (%s)", summary(pooled),
                summary(direct)).isEqualTo(hex(direct));
        return pooled;
    }

    private static List<String> hex(List<Message> messages) {
        return messages.stream().map(Message::hex).toList();
    }

    @Test
    void case74ParseErrorMidPipelineBeforeSync() {
        List<Message> replies = differential(2, parse("ok", "SELECT 1"), bind("", "ok"), execute("", 0),
                parse("bad", "SELEC 2"), bind("", "bad"), execute("", 0), parse("later", "SELECT 3"), sync(),
                bind("", "ok"), execute("", 0), sync());
        assertThat(summary(replies)).isEqualTo("12DCE(42601)Z2DCZ");
    }

    /** The statement Parsed after the error was skipped by PostgreSQL: it must not exist for the client. */
    @Test
    void case74StatementParsedAfterAnErrorDoesNotExist() {
        List<Message> replies = differential(2, parse("", "SELECT 1/0"), bind("", ""), execute("", 0),
                parse("skipped", "SELECT 3"), sync(), bind("", "skipped"), execute("", 0), sync());
        assertThat(summary(replies)).isEqualTo("1E(22012)ZE(26000)Z");   // 1/0 fails at Bind
    }

    /** A Close the server skipped after an error closed nothing: the next batch still finds the statement. */
    @Test
    void case74StatementClosedAfterAnErrorStillExists() {
        List<Message> replies = differential(3, parse("kept", "SELECT 4"), sync(), parse("", "SELECT 1/0"),
                bind("", ""), execute("", 0), Ext.closeStatement("kept"), sync(), bind("", "kept"), execute("", 0),
                sync());
        assertThat(summary(replies)).isEqualTo("1Z1E(22012)Z2DCZ");
    }

    /**
     * The error comes back before the client's Sync is sent: PostgreSQL ignores the Parse and Close that follow (no
     * ParseComplete, no CloseComplete; "late" never exists, "other" is not closed), so the pooler must neither answer
     * them nor change the client's statements.
     */
    @Test
    void case74ParseAndCloseAfterAnErrorBeforeTheDelayedSyncAreIgnored() {
        List<Message> direct;
        try (RawClient pg = login(postgres.host(), postgres.port(), "it_tx_pipe")) {
            direct = delayedSyncScript(pg);
        }
        try (RawClient a = login(pooler, "it_tx_pipe")) {
            List<Message> pooled = delayedSyncScript(a);
            assertThat(hex(pooled)).as("replies through Tidepool (%s) vs PostgreSQL (%s)", summary(pooled),
                    summary(direct)).isEqualTo(hex(direct));
            assertThat(summary(pooled)).isEqualTo("1Z1E(22012)ZE(26000)Z2DCZ");
        }
    }

    private static List<Message> delayedSyncScript(RawClient c) {
        List<Message> all = new java.util.ArrayList<>(
                c.send(concat(parse("other", "SELECT 6"), sync())).untilReady(Ext.WAIT));
        c.send(concat(parse("", "SELECT 1/0"), bind("", ""), execute("", 0), flush()));
        all.addAll(Ext.take(c, 2));                                      // the error, before any Sync is sent
        all.addAll(c.send(concat(parse("late", "SELECT 5"), Ext.closeStatement("other"), sync()))
                .untilReady(Ext.WAIT));
        all.addAll(c.send(concat(bind("", "late"), execute("", 0), sync())).untilReady(Ext.WAIT));
        all.addAll(c.send(concat(bind("", "other"), execute("", 0), sync())).untilReady(Ext.WAIT));
        return all;
    }

    @Test
    void case74DelayedSyncAndFlushWithoutSync() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "it_tx_pipe")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            a.send(concat(parse("f", "SELECT 42"), bind("", "f"), execute("", 0), flush()));
            assertThat(summary(Ext.take(a, 4))).as("Flush without Sync").isEqualTo("12DC");
            b.send(Ext.query("SELECT 'b'"));
            a.send(concat(parse("", "SELECT 1/0"), bind("", ""), execute("", 0), flush()));
            // 1/0 is folded at Bind: ParseComplete, then the error (no BindComplete).
            assertThat(summary(Ext.take(a, 2))).as("error before the delayed Sync").isEqualTo("1E(22012)");
            RawClient.sleep(java.time.Duration.ofMillis(200));
            a.send(concat(bind("", "f"), execute("", 0), sync()));  // skipped by the server: still in error
            List<Message> end = a.untilReady(Ext.WAIT);
            assertThat(summary(end)).as("the delayed Sync").isEqualTo("Z");
            assertThat(summary(b.untilReady(Ext.WAIT))).as("B after A's Sync").isEqualTo("TDCZ");
            assertThat(summary(a.send(concat(bind("", "f"), execute("", 0), sync())).untilReady(Ext.WAIT)))
                    .as("A's statement still works").isEqualTo("2DCZ");
        }
    }

    @Test
    void case74SeveralSyncsInFlightWithAnErrorInTheMiddle() {
        List<Message> replies = differential(3, parse("s1", "SELECT 1"), bind("", "s1"), execute("", 0), sync(),
                parse("", "SELECT 1/0"), bind("", ""), execute("", 0), sync(), bind("", "s1"), execute("", 0),
                sync());
        assertThat(summary(replies)).isEqualTo("12DCZ1E(22012)Z2DCZ");     // 1/0 fails at Bind (constant folding)
    }

    @Test
    void case14UnknownPortalUnknownStatementQueryMidBatch() {
        List<Message> replies = differential(4, execute("nope", 0), sync(), bind("", "nope"), execute("", 0), sync(),
                parse("", "SELECT 1"), bind("", ""), Ext.query("SELECT 2"), execute("", 0), sync(),
                Ext.query("SELECT 3"));
        System.out.println("case 14 replies: " + summary(replies));
    }

    @Test
    void case14TenThousandSyncsPipelined() {
        ByteArrayOutputStream syncs = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            syncs.writeBytes(sync());
        }
        try (TxClients.Pair pair = TxClients.pair(pooler, "it_tx_pipe")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            a.send(syncs.toByteArray());
            a.send(Ext.query("SELECT 'a-after'"));
            b.send(Ext.query("SELECT 'b'"));
            List<Message> replies = untilReadies(a, 10_001);
            assertThat(replies.stream().filter(m -> m.type() == 'Z').count()).isEqualTo(10_001);
            assertThat(Ext.firstColumns(replies)).containsExactly("a-after");
            assertThat(Ext.firstColumns(b.untilReady(Ext.WAIT))).containsExactly("b");
        }
    }

    /**
     * A pipelined script cut in two at every byte boundary gives the same replies as PostgreSQL given it whole. The
     * script is repeatable on one connection (it closes what it opens).
     */
    @Test
    void pipelineSplitAtEveryByteMatchesPostgres() {
        byte[] script = concat(parse("s1", "SELECT $1::int + g AS x FROM generate_series(1, 5) g"),
                Ext.describeStatement("s1"), bind("p1", "s1", "40"), Ext.describePortal("p1"), execute("p1", 2),
                flush(), execute("p1", 2), execute("p1", 0), Ext.closePortal("p1"), Ext.closeStatement("s1"), sync(),
                parse("", "SELECT 'unnamed'"), bind("", ""), execute("", 0), sync());
        List<Message> expectedMessages;
        try (RawClient pg = login(postgres.host(), postgres.port(), "it_tx_pipe")) {
            expectedMessages = untilReadies(pg.send(script), 2);
        }
        List<String> expected = hex(expectedMessages);
        try (RawClient a = login(pooler, "it_tx_pipe")) {
            for (int cut = 1; cut < script.length; cut++) {
                a.send(Arrays.copyOfRange(script, 0, cut));
                RawClient.sleep(java.time.Duration.ofMillis(1));
                a.send(Arrays.copyOfRange(script, cut, script.length));
                List<String> got = hex(untilReadies(a, 2));
                assertThat(got).as("cut at byte %d of %d", cut, script.length).isEqualTo(expected);
            }
            a.sendSplit(script, 1);
            assertThat(hex(untilReadies(a, 2))).as("one byte per write").isEqualTo(expected);
        }
        System.out.println("split test: " + (script.length - 1) + " cuts and one byte-per-write run, " + expected.size()
                + " replies each (" + summary(expectedMessages) + "), identical to PostgreSQL");
    }
}
