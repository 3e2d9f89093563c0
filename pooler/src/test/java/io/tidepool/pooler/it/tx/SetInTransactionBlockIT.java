package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3 (RELIABILITY "one client's session state never shows up in another's"), the transaction-block part: a plain
 * {@code SET} inside {@code BEGIN ... COMMIT} is session-level in PostgreSQL (it outlives the COMMIT), so it must be
 * treated exactly like one outside a block: carried with its client when the pooler recognised it, otherwise counted
 * as session state (the client pinned, the server reset when it leaves). A SET in a rolled-back block is undone by
 * PostgreSQL and must not be carried; SET LOCAL never persists and must not count. Two clients share the one server
 * connection of a transaction-mode pool (default_pool_size 1); statement_timeout is neither reported nor tracked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class SetInTransactionBlockIT {
    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void database() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_block_set");
        postgres.execute("create database it_tx_block_set");
    }

    @BeforeEach
    void start() {
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_block_set").set("pool_mode", "transaction")
                .set("default_pool_size", 1).start();
    }

    @AfterEach
    void stop() {
        pooler.close();
    }

    /** The literal form from the issue: one simple Query holding the whole block. */
    @Test
    void setInsideABlockInOneQueryNeverReachesAnotherClient() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            value(a, "BEGIN; SET statement_timeout = '1ms'; COMMIT");
            assertPinnedUntilItLeaves(a, b, "1ms");
            assertThat(TxClients.errorOf(b, "SELECT pg_sleep(0.01)")).as("B runs for more than 1 ms").isEmpty();
        }
    }

    /** BEGIN, SET and COMMIT as three simple Queries: the SET is recognised, so it travels with A. */
    @Test
    void setInsideABlockInSeparateQueriesFollowsItsClientOnly() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            value(a, "BEGIN");
            value(a, "SET statement_timeout = '4321ms'");
            value(a, "COMMIT");
            for (int round = 0; round < 3; round++) {
                assertThat(value(b, "SHOW statement_timeout")).as("B, round %d", round).isEqualTo("0");
                assertThat(value(a, "SHOW statement_timeout")).as("A, round %d", round).isEqualTo("4321ms");
            }
            assertThat(sessionStateUses(a)).as("a carried SET is not session state").isZero();
        }
    }

    /** The same through Parse/Bind/Execute/Sync, one request per statement: invisible to the SET recogniser. */
    @Test
    void setInsideABlockThroughTheExtendedProtocolNeverReachesAnotherClient() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            extended(a, "BEGIN");
            extended(a, "SET statement_timeout = '4321ms'");
            extended(a, "COMMIT");
            assertPinnedUntilItLeaves(a, b, "4321ms");
        }
    }

    /** pgjdbc with autocommit off: BEGIN and the first statement in one Sync, COMMIT in the next. */
    @Test
    void setPipelinedWithBeginNeverReachesAnotherClient() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            a.send(Ext.parse("", "BEGIN"), Ext.bind("", ""), Ext.execute("", 0),
                    Ext.parse("", "SET statement_timeout = '4321ms'"), Ext.bind("", ""), Ext.execute("", 0), Ext.sync());
            assertThat(Ext.summary(Ext.untilReadies(a, 1))).doesNotContain("E");
            extended(a, "COMMIT");
            assertPinnedUntilItLeaves(a, b, "4321ms");
        }
    }

    /** PostgreSQL undoes a SET of a rolled-back block: A must not get it back on its next server either. */
    @Test
    void setInsideARolledBackBlockIsNotCarried() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            value(a, "BEGIN");
            value(a, "SET statement_timeout = '4321ms'");
            assertThat(value(a, "SHOW statement_timeout")).as("inside the block").isEqualTo("4321ms");
            value(a, "ROLLBACK");
            assertThat(value(a, "SHOW statement_timeout")).as("A after ROLLBACK").isEqualTo("0");
            assertThat(value(b, "SHOW statement_timeout")).as("B after A's ROLLBACK").isEqualTo("0");
            assertThat(value(a, "SHOW statement_timeout")).as("A after B ran").isEqualTo("0");
            // A block that fails is rolled back too, even when the client ends it with COMMIT.
            value(a, "BEGIN");
            value(a, "SET statement_timeout = '4321ms'");
            assertThat(TxClients.errorOf(a, "SELECT 1/0")).isEqualTo("22012");
            value(a, "COMMIT");
            assertThat(value(b, "SHOW statement_timeout")).as("B after A's failed block").isEqualTo("0");
            assertThat(value(a, "SHOW statement_timeout")).as("A after its failed block").isEqualTo("0");
            assertThat(sessionStateUses(a)).as("nothing persisted, nothing counted").isZero();
        }
    }

    /** SET LOCAL ends with its transaction: no session state, nothing pinned, nothing carried. */
    @Test
    void setLocalIsNeverSessionState() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            value(a, "BEGIN");
            value(a, "SET LOCAL statement_timeout = '4321ms'");
            value(a, "COMMIT");
            extended(a, "BEGIN");
            extended(a, "SET LOCAL statement_timeout = '4321ms'");
            extended(a, "COMMIT");
            a.send(Ext.parse("", "BEGIN"), Ext.bind("", ""), Ext.execute("", 0),
                    Ext.parse("", "SET LOCAL statement_timeout = '4321ms'"), Ext.bind("", ""), Ext.execute("", 0),
                    Ext.sync());
            assertThat(Ext.summary(Ext.untilReadies(a, 1))).doesNotContain("E");
            extended(a, "COMMIT");
            assertThat(value(b, "SHOW statement_timeout")).isEqualTo("0");
            assertThat(value(a, "SHOW statement_timeout")).isEqualTo("0");
            assertThat(sessionStateUses(a)).as("SET LOCAL counted as session state").isZero();
        }
    }

    /**
     * A SET the pooler cannot carry: counted as session state, so A keeps the pool's only server (B could not run
     * until A leaves) and the server is reset before B gets it.
     */
    private void assertPinnedUntilItLeaves(RawClient a, RawClient b, String value) {
        assertThat(sessionStateUses(a)).as("the SET counted as session state").isEqualTo(1);
        assertThat(value(a, "SHOW statement_timeout")).as("A keeps its own SET").isEqualTo(value);
        a.close();
        assertThat(value(b, "SHOW statement_timeout")).as("B after A left").isEqualTo("0");
    }

    private static void assertShared(RawClient a, RawClient b) {
        assertThat(value(a, "SELECT pg_backend_pid()")).as("A and B share the backend")
                .isEqualTo(value(b, "SELECT pg_backend_pid()"));
    }

    private static void extended(RawClient client, String sql) {
        client.send(Ext.parse("", sql), Ext.bind("", ""), Ext.execute("", 0), Ext.sync());
        List<Message> replies = Ext.untilReadies(client, 1);
        assertThat(Ext.summary(replies)).as(sql).doesNotContain("E");
    }

    private long sessionStateUses(RawClient client) {
        return TxClients.poolOf(pooler, client).group().sessionStateUses();
    }
}
