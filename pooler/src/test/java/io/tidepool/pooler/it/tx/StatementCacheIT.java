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
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.tx.Ext.bind;
import static io.tidepool.pooler.it.tx.Ext.execute;
import static io.tidepool.pooler.it.tx.Ext.parse;
import static io.tidepool.pooler.it.tx.Ext.summary;
import static io.tidepool.pooler.it.tx.Ext.sync;
import static io.tidepool.pooler.it.tx.TxClients.login;
import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Named statements remapped by the pooler, RELIABILITY cases 33 and 75 (PgBouncer's test_prepared.py): two clients
 * with one name for different SQL; DEALLOCATE ALL / DISCARD ALL forget only the issuing client's statements; a
 * backend killed between transactions is replaced and the statements re-prepared transparently; re-using a name
 * without Close is PostgreSQL's 42P05; a statement whose Parse the server skipped after an error is prepared again;
 * and 100,000 distinct statements from one client keep the server's cache within max_prepared_statements and the
 * pooler's heap flat. Transaction mode, default_pool_size 1, clients paired on one event loop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class StatementCacheIT {
    private static final int MAX_PREPARED = 50;
    private static final int MANY = 100_000;
    private static final int CHUNK = 1000;

    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_stmts");
        postgres.execute("create database it_tx_stmts");
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_stmts").set("pool_mode", "transaction")
                .set("default_pool_size", 1).set("max_prepared_statements", MAX_PREPARED).start();
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    private static List<Message> run(RawClient client, byte[]... messages) {
        return Ext.untilReadies(client.send(concat(messages)), 1);
    }

    @Test
    void case75TwoClientsOneNameDifferentSql() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            assertThat(summary(run(pair.a(), parse("s", "SELECT 'from a'"), sync()))).isEqualTo("1Z");
            assertThat(summary(run(pair.b(), parse("s", "SELECT 'from b', 2"), sync()))).isEqualTo("1Z");
            for (int i = 0; i < 5; i++) {
                assertThat(Ext.firstColumns(run(pair.a(), bind("", "s"), execute("", 0), sync())))
                        .containsExactly("from a");
                List<Message> b = run(pair.b(), Ext.describeStatement("s"), bind("", "s"), execute("", 0), sync());
                assertThat(summary(b)).isEqualTo("tT2DCZ");
                assertThat(Ext.firstColumns(b)).containsExactly("from b");
            }
        }
    }

    @Test
    void case75DeallocateAllAndDiscardAllAffectOnlyThatClient() {
        for (String reset : List.of("DEALLOCATE ALL", "DISCARD ALL")) {
            try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
                run(pair.a(), parse("mine", "SELECT 'a'"), sync());
                run(pair.b(), parse("mine", "SELECT 'b'"), sync());
                assertThat(summary(pair.a().query(reset))).as(reset).isEqualTo("CZ");
                assertThat(summary(run(pair.a(), bind("", "mine"), execute("", 0), sync())))
                        .as("A's statement after A's %s", reset).isEqualTo("E(26000)Z");
                assertThat(Ext.firstColumns(run(pair.b(), bind("", "mine"), execute("", 0), sync())))
                        .as("B's statement after A's %s", reset).containsExactly("b");
            }
        }
    }

    @Test
    void case75BackendKilledBetweenTransactionsIsReplacedAndStatementsReprepared() {
        try (RawClient a = login(pooler, "app")) {
            run(a, parse("kept", "SELECT 'still here', $1::int"), sync());
            for (int round = 0; round < 3; round++) {
                String pid = value(a, "SELECT pg_backend_pid()");
                assertThat(postgres.queryString("SELECT pg_terminate_backend(" + pid + ")")).isEqualTo("t");
                RawClient.sleep(Duration.ofMillis(300));
                List<Message> replies = run(a, bind("", "kept", Integer.toString(round)), execute("", 0), sync());
                assertThat(summary(replies)).as("round %d after killing backend %s", round, pid).isEqualTo("2DCZ");
                assertThat(Ext.firstColumns(replies)).containsExactly("still here");
                assertThat(value(a, "SELECT pg_backend_pid()")).isNotEqualTo(pid);
            }
        }
    }

    /** PostgreSQL: 42P05 prepared statement "dup" already exists, and the first definition stays. */
    @Test
    void case75NameReuseWithoutCloseIsRefusedLikePostgres() {
        byte[][] script = {parse("dup", "SELECT 1"), sync(), parse("dup", "SELECT 2"), sync(), bind("", "dup"),
                execute("", 0), sync()};
        List<Message> direct;
        try (RawClient pg = login(postgres.host(), postgres.port(), "it_tx_stmts")) {
            direct = Ext.untilReadies(pg.send(concat(script)), 3);
        }
        try (RawClient a = login(pooler, "app")) {
            List<Message> pooled = Ext.untilReadies(a.send(concat(script)), 3);
            System.out.println("name reuse: PostgreSQL " + summary(direct) + ", Tidepool " + summary(pooled));
            assertThat(summary(pooled)).isEqualTo(summary(direct)).isEqualTo("1ZE(42P05)Z2DCZ");
            assertThat(Ext.firstColumns(pooled)).as("the first definition stays").containsExactly("1");
        }
    }

    /**
     * After an error the server skips every message up to Sync, including a Parse the pooler sent to re-prepare an
     * evicted statement and the Close that evicted another: the pooler's cache of that connection must not believe
     * either happened. max_prepared_statements = 1 forces both; the replies must equal PostgreSQL's.
     */
    @Test
    void statementWhoseParseWasSkippedAfterAnErrorIsPreparedAgain() {
        byte[][] script = {parse("s1", "SELECT 'one'"), parse("s2", "SELECT 'two'"), sync(),
                parse("", "SELECT 1/0"), bind("", ""), execute("", 0), bind("", "s1"), execute("", 0), sync(),
                bind("", "s1"), execute("", 0), sync(), bind("", "s2"), execute("", 0), sync()};
        List<Message> direct;
        try (RawClient pg = login(postgres.host(), postgres.port(), "it_tx_stmts")) {
            direct = Ext.untilReadies(pg.send(concat(script)), 4);
        }
        try (TidepoolFixture small = TidepoolFixture.builder(postgres).database("app", "it_tx_stmts")
                .set("pool_mode", "transaction").set("default_pool_size", 1).set("max_prepared_statements", 1)
                .start(); RawClient a = login(small, "app")) {
            List<Message> pooled = Ext.untilReadies(a.send(concat(script)), 4);
            System.out.println("skipped re-prepare: PostgreSQL " + summary(direct) + ", Tidepool " + summary(pooled));
            // 1/0 fails at Bind (constant folding), so batch 2 has no BindComplete.
            assertThat(summary(pooled)).isEqualTo(summary(direct)).isEqualTo("11Z1E(22012)Z2DCZ2DCZ");
        }
    }

    /** Case 33: one client, many distinct named statements, never closed. */
    @Test
    void case33HundredThousandStatementsWithoutCloseStayBounded() {
        String padding = "x".repeat(200);
        var memory = ManagementFactory.getMemoryMXBean();
        try (RawClient a = login(pooler, "app")) {
            long start = System.nanoTime();
            long heapAt20k = 0;
            for (int base = 0; base < MANY; base += CHUNK) {
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = base; i < base + CHUNK; i++) {
                    batch.writeBytes(parse("n" + i, "SELECT " + i + ", '" + padding + "'"));
                }
                batch.writeBytes(sync());
                List<Message> replies = Ext.untilReadies(a.send(batch.toByteArray()), 1);
                assertThat(replies).as("chunk at %d", base).hasSize(CHUNK + 1);
                assertThat(replies.stream().filter(m -> m.type() == '1').count()).isEqualTo(CHUNK);
                if (base + CHUNK == 20_000) {
                    System.gc();
                    heapAt20k = memory.getHeapMemoryUsage().getUsed();
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.gc();
            long heapAtEnd = memory.getHeapMemoryUsage().getUsed();
            String onServer = value(a, "SELECT count(*) FROM pg_prepared_statements");
            List<Message> first = run(a, bind("", "n0"), execute("", 0), sync());
            List<Message> last = run(a, bind("", "n" + (MANY - 1)), execute("", 0), sync());
            long growthMb = (heapAtEnd - heapAt20k) >> 20;
            System.out.printf("case 33: %d distinct named statements without Close in %d ms; server-side statements "
                    + "%s (max_prepared_statements %d); pooler JVM heap after GC at 20k %d MB, at %dk %d MB "
                    + "(growth %d MB)%n", MANY, millis, onServer, MAX_PREPARED, heapAt20k >> 20, MANY / 1000,
                    heapAtEnd >> 20, growthMb);
            assertThat(Integer.parseInt(onServer)).as("server-side cache").isLessThanOrEqualTo(MAX_PREPARED);
            // A client holds at most 10,000 statements (StatementRewriter.MAX_CLIENT_STATEMENTS): past that the least
            // recently used are forgotten, with a warning, so the first one is gone, as a Bind to it shows.
            assertThat(summary(first)).as("the first statement was forgotten").contains("E(26000)");
            assertThat(Ext.firstColumns(last)).containsExactly(Integer.toString(MANY - 1));
            assertThat(growthMb).as("heap growth from 20k to %d statements (MB)", MANY).isLessThan(16);
        }
    }
}
