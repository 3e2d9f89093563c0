package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.RawClient.int16;
import static io.tidepool.pooler.it.RawClient.int32;
import static io.tidepool.pooler.it.RawClient.message;
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
 * RELIABILITY cases 71(d) and 74 (issue 3): after an error in an extended-protocol batch PostgreSQL discards every
 * message up to the next Sync, a simple Query or FunctionCall included (protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY;
 * postgres.c ignore_till_sync), so such a request gets no ReadyForQuery. The pooler must not wait for one: in
 * transaction mode with default_pool_size 1 the server has to go back to the pool at the Sync's ReadyForQuery, or the
 * next client B waits for query_wait_timeout (5 s here) and gets an error. Every script runs straight against
 * PostgreSQL and through Tidepool, with statement tracking (max_prepared_statements 200, RequestTracker in use) and
 * without it (0); A's replies must be identical byte for byte, then B and A must each get a server and their own rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class SkipToSyncIT {
    private static final String DB = "it_tx_skip";

    private PostgresNode postgres;
    private TidepoolFixture tracked;
    private TidepoolFixture untracked;
    private int versionOid;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists " + DB);
        postgres.execute("create database " + DB);
        tracked = pooler(200);
        untracked = pooler(0);
        try (RawClient pg = login(postgres.host(), postgres.port(), DB)) {
            versionOid = Integer.parseInt(TxClients.value(pg, "SELECT 'version()'::regprocedure::oid"));
        }
    }

    private TidepoolFixture pooler(int maxPrepared) {
        return TidepoolFixture.builder(postgres).database(DB, DB).set("pool_mode", "transaction")
                .set("default_pool_size", 1).set("query_wait_timeout", 5)
                .set("max_prepared_statements", maxPrepared).start();
    }

    @AfterAll
    void stop() {
        for (TidepoolFixture f : new TidepoolFixture[] {tracked, untracked}) {
            if (f != null) {
                f.close();
            }
        }
    }

    /** One client's side of a scenario: what it sends and reads; returns every reply read. */
    private interface Script {
        List<Message> run(RawClient client);
    }

    static Stream<Arguments> modes() {
        return Stream.of(Arguments.of(true, 'Q'), Arguments.of(true, 'F'), Arguments.of(false, 'Q'),
                Arguments.of(false, 'F'));
    }

    /** The request placed in the batch: {@code SELECT 2} as a Query, or version() as a FunctionCall. */
    private byte[] request(char kind) {
        return kind == 'Q' ? Ext.query("SELECT 2")
                : message('F', concat(int32(versionOid), int16(0), int16(0), int16(0)));
    }

    /** The brief's script, in one write: the Bind fails (1/0 is folded there), the Query/FunctionCall is skipped. */
    @ParameterizedTest(name = "tracking={0} {1}")
    @MethodSource("modes")
    void requestAfterTheFailedMessageInOneWrite(boolean tracking, char kind) {
        String replies = differential(tracking, c -> untilReadies(c.send(concat(parse("", "SELECT 1/0"),
                bind("", ""), execute("", 0), request(kind), sync())), 1));
        assertThat(replies).isEqualTo("1E(22012)Z");
    }

    /** The error is relayed (after a Flush) before the client sends its Query/FunctionCall and Sync. */
    @ParameterizedTest(name = "tracking={0} {1}")
    @MethodSource("modes")
    void requestSentAfterTheErrorWasRelayed(boolean tracking, char kind) {
        String replies = differential(tracking, c -> {
            List<Message> all = new ArrayList<>(Ext.take(c.send(concat(parse("", "SELECT 1/0"), bind("", ""),
                    execute("", 0), flush())), 2));
            all.addAll(c.send(concat(request(kind), sync())).untilReady(Ext.WAIT));
            return all;
        });
        assertThat(replies).isEqualTo("1E(22012)Z");
    }

    /** The request reaches the pooler before the error comes back, the Sync only after it. */
    @ParameterizedTest(name = "tracking={0} {1}")
    @MethodSource("modes")
    void errorArrivesAfterTheRequestBeforeTheSync(boolean tracking, char kind) {
        String replies = differential(tracking, c -> {
            List<Message> all = new ArrayList<>(Ext.take(c.send(concat(parse("", "SELECT 1/0"), bind("", ""),
                    execute("", 0), request(kind))), 2));
            RawClient.sleep(Duration.ofMillis(200));
            all.addAll(c.send(sync()).untilReady(Ext.WAIT));
            return all;
        });
        assertThat(replies).isEqualTo("1E(22012)Z");
    }

    /** Guard: a request before the failing message runs and has its own ReadyForQuery; the one after is skipped. */
    @ParameterizedTest(name = "tracking={0} {1}")
    @MethodSource("modes")
    void requestBeforeTheErrorRunsTheOneAfterIsSkipped(boolean tracking, char kind) {
        String replies = differential(tracking, c -> untilReadies(c.send(concat(parse("", "SELECT 1"), bind("", ""),
                execute("", 0), request(kind), parse("", "SELECT 1/0"), bind("", ""), execute("", 0),
                request(kind), sync())), 2));
        assertThat(replies).isEqualTo(kind == 'Q' ? "12DCTDCZ1E(22012)Z" : "12DCVZ1E(22012)Z");
    }

    static Stream<Boolean> tracking() {
        return Stream.of(true, false);
    }

    /**
     * A leaves after an error with no Sync sent: the server still ignores everything up to a Sync, so it must not
     * go to B (whose Query it would ignore: B would wait forever).
     */
    @ParameterizedTest(name = "tracking={0}")
    @MethodSource("tracking")
    void clientLeavesAfterAnErrorBeforeItsSync(boolean tracking) {
        String a = leaveMidBatch(tracking, concat(parse("", "SELECT 1/0"), bind("", ""), execute("", 0), flush()), 2);
        assertThat(a).isEqualTo("1E(22012)");
    }

    /**
     * A leaves with an extended batch answered but not Synced: its implicit transaction is still open on the server,
     * and PostgreSQL rolls it back when a client disconnects; handing the server to B would commit A's INSERT.
     */
    @ParameterizedTest(name = "tracking={0}")
    @MethodSource("tracking")
    void clientLeavesWithAnExtendedBatchNotSynced(boolean tracking) {
        try (RawClient pg = login(postgres.host(), postgres.port(), DB)) {
            TxClients.value(pg, "CREATE TABLE IF NOT EXISTS skip_t (v int); TRUNCATE skip_t");
        }
        String a = leaveMidBatch(tracking, concat(parse("", "INSERT INTO skip_t VALUES (1)"), bind("", ""),
                execute("", 0), flush()), 3);
        assertThat(a).isEqualTo("12C");
        try (RawClient pg = login(postgres.host(), postgres.port(), DB)) {
            assertThat(TxClients.value(pg, "SELECT count(*) FROM skip_t")).as("A's uncommitted INSERT").isEqualTo("0");
        }
    }

    /** A sends {@code script}, reads {@code replies} replies and disconnects while B waits for the server. */
    private String leaveMidBatch(boolean tracking, byte[] script, int replies) {
        try (TxClients.Pair pair = TxClients.pair(tracking ? tracked : untracked, DB)) {
            String a = summary(Ext.take(pair.a().send(script), replies));
            pair.b().send(Ext.query("SELECT 'b-only'"));
            RawClient.sleep(Duration.ofMillis(100));
            pair.a().close();
            List<Message> b = pair.b().untilReady(Duration.ofSeconds(10));
            assertThat(summary(b)).as("B's replies").isEqualTo("TDCZ");
            assertThat(Ext.firstColumns(b)).containsExactly("b-only");
            return a;
        }
    }

    /**
     * Runs {@code script} on a direct connection and, through Tidepool, as client A of a pair sharing one server;
     * the replies must be identical. Then B (same pool) and A must each get the server and their own rows: B's wait
     * ends at query_wait_timeout with an error if A's server was never released.
     *
     * @return the summary of A's replies
     */
    private String differential(boolean tracking, Script script) {
        List<Message> direct;
        try (RawClient pg = login(postgres.host(), postgres.port(), DB)) {
            direct = script.run(pg);
            assertThat(TxClients.value(pg, "SELECT 'a-after'")).isEqualTo("a-after");
        }
        try (TxClients.Pair pair = TxClients.pair(tracking ? tracked : untracked, DB)) {
            RawClient a = pair.a();
            List<Message> pooled = script.run(a);
            assertThat(pooled.stream().map(Message::hex).toList())
                    .as("replies through Tidepool (%s) vs PostgreSQL (%s)", summary(pooled), summary(direct))
                    .isEqualTo(direct.stream().map(Message::hex).toList());
            long start = System.nanoTime();
            List<Message> b = pair.b().send(Ext.query("SELECT 'b-only'")).untilReady(Ext.WAIT);
            System.out.println("B got a server after " + (System.nanoTime() - start) / 1_000_000 + " ms: "
                    + summary(b));
            assertThat(summary(b)).as("B's replies (an error: A kept the server)").isEqualTo("TDCZ");
            assertThat(Ext.firstColumns(b)).containsExactly("b-only");
            assertThat(TxClients.value(a, "SELECT 'a-after'")).isEqualTo("a-after");
            return summary(pooled);
        }
    }
}
