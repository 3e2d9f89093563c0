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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.tx.TxClients.login;
import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RELIABILITY cases 44 and 71 with a transaction-mode pool of one server connection: a client whose result set ends
 * in an error after 499 rows, or in a statement_timeout in the middle of the stream, leaves the backend clean for
 * the next client, who gets exactly its own rows; and a client that disconnects in the middle of anything (a
 * transaction, unread rows, COPY IN, a pipeline, half a message) costs its backend, which is closed and never handed
 * to the next client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class StreamAndDisconnectIT {
    private static final String B_QUERY = "SELECT 'b-' || g FROM generate_series(1, 3) g";

    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_stream");
        postgres.execute("create database it_tx_stream");
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_stream").set("pool_mode", "transaction")
                .set("default_pool_size", 1).start();
        try (RawClient c = login(pooler, "app")) {
            value(c, "CREATE TABLE t71(i int)");
        }
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void case44ErrorAfter499RowsLeavesOnlyBsRowsForB() {
        try (RawClient a = login(pooler, "app"); RawClient b = login(pooler, "app")) {
            for (int round = 0; round < 5; round++) {
                List<Message> replies = a.query("SELECT 1/(500-g) FROM generate_series(1, 1000) g");
                assertThat(replies.stream().filter(m -> m.type() == 'D').count()).as("A's rows").isEqualTo(499);
                assertThat(Ext.summary(replies)).as("A's replies end").endsWith("E(22012)Z");
                assertThat(Ext.status(replies.getLast())).isEqualTo('I');
                List<Message> mine = b.query(B_QUERY);
                assertThat(Ext.summary(mine)).as("B's replies").isEqualTo("TDDDCZ");
                assertThat(Ext.firstColumns(mine)).containsExactly("b-1", "b-2", "b-3");
            }
        }
    }

    @Test
    void case44StatementTimeoutMidStreamLeavesOnlyBsRowsForB() {
        try (RawClient a = login(pooler, "app", "statement_timeout", "700");
                RawClient b = login(pooler, "app")) {
            String bTimeout = value(b, "SELECT current_setting('statement_timeout')");
            for (int round = 0; round < 3; round++) {
                List<Message> replies = a.query("SELECT g, repeat('x', 100), pg_sleep(CASE WHEN g > 3000 THEN 0.05 "
                        + "ELSE 0 END) FROM generate_series(1, 100000) g");
                long rows = replies.stream().filter(m -> m.type() == 'D').count();
                System.out.println("case 44: A got " + rows + " rows before statement_timeout");
                assertThat(rows).as("A's rows before the timeout").isGreaterThanOrEqualTo(3000).isLessThan(100000);
                assertThat(Ext.summary(replies)).endsWith("E(57014)Z");
                List<Message> mine = b.query(B_QUERY);
                assertThat(Ext.summary(mine)).as("B's replies").isEqualTo("TDDDCZ");
                assertThat(Ext.firstColumns(mine)).containsExactly("b-1", "b-2", "b-3");
                assertThat(value(b, "SELECT current_setting('statement_timeout')")).as("B's statement_timeout")
                        .isEqualTo(bTimeout);
            }
        }
    }

    /**
     * A Terminate between transactions needs no server: the pooler closes the client at once, as PostgreSQL does,
     * even while the pool's only server is busy with another client's transaction (before, the Terminate was queued
     * for a server like a query, and the client hung until one was free or query_wait_timeout).
     */
    @Test
    void terminateBetweenTransactionsClosesAtOnceWithoutAServer() {
        try (RawClient a = login(pooler, "app"); RawClient b = login(pooler, "app")) {
            assertThat(Ext.status(a.query("BEGIN").getLast())).as("A holds the only server").isEqualTo('T');
            b.send(RawClient.message('X', new byte[0]));
            RawClient.Outcome outcome = b.untilClosed(Duration.ofSeconds(5));
            assertThat(outcome.closed()).as("B closed without waiting for A's server").isTrue();
            assertThat(outcome.messages()).isEmpty();
            assertThat(Ext.status(a.query("COMMIT").getLast())).isEqualTo('I');
        }
    }

    @ParameterizedTest(name = "case 71: A disconnects {0}")
    @ValueSource(strings = {"mid-transaction", "with unread rows", "during COPY IN", "with a pipeline outstanding",
            "in the middle of a message"})
    void case71BackendOfADisconnectedClientIsClosedNeverReused(String how) {
        RawClient a = login(pooler, "app");
        String pid = value(a, "SELECT pg_backend_pid()");
        attack(how).accept(a);
        a.reset();
        try (RawClient b = login(pooler, "app")) {
            List<Message> mine = b.query(B_QUERY);
            assertThat(Ext.summary(mine)).as("B's replies").isEqualTo("TDDDCZ");
            assertThat(Ext.firstColumns(mine)).containsExactly("b-1", "b-2", "b-3");
            assertThat(value(b, "SELECT pg_backend_pid()")).as("B's backend").isNotEqualTo(pid);
            assertThat(value(b, "SELECT current_setting('transaction_isolation') || txid_current_if_assigned()"))
                    .as("B is in no inherited transaction").isNull();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (postgres.queryString("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid).equals("1")
                && System.nanoTime() < deadline) {
            RawClient.sleep(Duration.ofMillis(50));
        }
        assertThat(postgres.queryString("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid))
                .as("A's backend %s is gone", pid).isEqualTo("0");
    }

    private static Consumer<RawClient> attack(String how) {
        return switch (how) {
            case "mid-transaction" -> a -> {
                assertThat(Ext.status(a.query("BEGIN; INSERT INTO t71 VALUES (71)").getLast())).isEqualTo('T');
            };
            case "with unread rows" -> a -> {
                a.send(Ext.query("SELECT repeat('x', 1000) FROM generate_series(1, 200000)"));
                a.read(Ext.WAIT);                         // RowDescription: the rows are flowing
            };
            case "during COPY IN" -> a -> {
                a.send(Ext.query("COPY t71 FROM STDIN"));
                assertThat(a.read(Ext.WAIT).type()).isEqualTo((byte) 'G');
                a.send(RawClient.message('d', "1\n2\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            };
            case "with a pipeline outstanding" -> a -> a.send(concat(Ext.parse("", "SELECT pg_sleep(0.3)"),
                    Ext.bind("", ""), Ext.execute("", 0), Ext.sync(), Ext.parse("", "SELECT 2"), Ext.bind("", ""),
                    Ext.execute("", 0), Ext.sync()));
            // Longer than Limits.streamThreshold (64 KiB), so the pooler streams its first part to the server: a
            // shorter message is forwarded only whole, and a client that leaves in the middle of one leaves its
            // server clean (and reusable).
            case "in the middle of a message" -> a -> {
                a.send(RawClient.header('Q', 200_000), ("SELECT 1 -- " + "x".repeat(100_000))
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                RawClient.sleep(Duration.ofMillis(200));          // the part has reached the server
            };
            default -> throw new IllegalArgumentException(how);
        };
    }
}
