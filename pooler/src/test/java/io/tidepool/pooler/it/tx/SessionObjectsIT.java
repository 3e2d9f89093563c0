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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RELIABILITY P5 / case 70, the objects the protocol does not announce: a temporary table (view, sequence), a
 * {@code WITH HOLD} cursor and a session-level advisory lock outlive the transaction that made them, so a client of a
 * transaction-mode pool that made one must be pinned to its server connection (counted as session state, the server
 * reset with DISCARD ALL when it leaves) or refused, never hand them to the next client of that server. Two clients
 * share the one server connection of a pool of size 1: while A is pinned B would wait for a server, so each test
 * checks the count and A's own view, lets A leave, and then looks from B at the server A used. Statements that leave
 * nothing behind (ON COMMIT DROP, a cursor without HOLD, transaction-level advisory locks, a rolled-back CREATE TEMP)
 * must not pin: with a pool of size 1 a needless pin costs every other client its server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class SessionObjectsIT {
    /**
     * What B finds on the server A used: A's temp object, open cursors, advisory locks held by anyone in this
     * database (read from pg_locks, so that B itself takes none and stays unpinned).
     */
    private static final String B_VIEW = "SELECT coalesce(to_regclass('pg_temp.a_obj')::text, 'none') || ' '"
            + " || (SELECT count(*) FROM pg_cursors) || ' ' || (SELECT count(*) FROM pg_locks WHERE locktype ="
            + " 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))";
    private static final String CLEAN = "none 0 0";

    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void database() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_objects");
        postgres.execute("create database it_tx_objects");
    }

    @BeforeEach
    void start() {
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_objects").set("pool_mode", "transaction")
                .set("default_pool_size", 1).start();
    }

    @AfterEach
    void stop() {
        pooler.close();
    }

    /** Every spelling of a temporary object in autocommit (its implicit transaction commits at once). */
    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TEMP TABLE a_obj(i int)",
        "  create temporary table a_obj(i int)",
        "CREATE LOCAL TEMP TABLE a_obj(i int)",
        "CREATE GLOBAL TEMPORARY TABLE a_obj(i int)",
        "CREATE TEMP TABLE a_obj(i int) ON COMMIT DELETE ROWS",
        "CREATE TEMP VIEW a_obj AS SELECT 1 AS i",
        "CREATE OR REPLACE TEMP VIEW a_obj AS SELECT 1 AS i",
        "CREATE TEMP SEQUENCE a_obj",
        "CREATE TABLE pg_temp.a_obj(i int)",
        "SELECT 1 AS i INTO TEMP a_obj",
        "select 1 as i into temporary table a_obj",
        "SELECT 1; CREATE TEMP TABLE a_obj(i int)",
        // A text that starts with SET is also decoded for the SET capture: the scan must still read it from the start.
        "SET application_name = 'objects'; CREATE TEMP TABLE a_obj(i int)",
        "BEGIN; CREATE TEMP TABLE a_obj(i int); COMMIT",
    })
    void temporaryObjectPinsItsClientUntilItLeaves(String sql) {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            value(a, sql);
            assertPinnedThenReset(a, b, "SELECT to_regclass('pg_temp.a_obj') IS NOT NULL", "t");
        }
    }

    @Test
    void temporaryTableInSeparateQueriesOfABlockPins() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            value(a, "BEGIN");
            value(a, "CREATE TEMP TABLE a_obj(i int)");
            assertThat(sessionStateUses(a)).as("the block has not committed yet").isZero();
            value(a, "COMMIT");
            assertPinnedThenReset(a, b, "SELECT count(*) FROM a_obj", "0");
        }
    }

    /** A cursor declared WITH HOLD survives its block's COMMIT (sql-declare.html). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withHoldCursorPinsItsClientUntilItLeaves(boolean oneQuery) {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            if (oneQuery) {
                value(a, "BEGIN; DECLARE a_cur NO SCROLL CURSOR WITH HOLD FOR SELECT 7; COMMIT");
            } else {
                value(a, "BEGIN");
                value(a, "declare a_cur cursor with hold for select 7");
                value(a, "COMMIT");
            }
            assertPinnedThenReset(a, b, "FETCH a_cur", "7");
        }
    }

    /** A session-level advisory lock is kept even when its transaction rolls back (explicit-locking.html). */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT pg_advisory_lock(4242)",
        "SELECT pg_advisory_lock_shared(4242)",
        "select PG_TRY_ADVISORY_LOCK(4242)",
        "SELECT pg_try_advisory_lock_shared(4242)",
        "SELECT pg_catalog.pg_advisory_lock(0, 4242), pg_advisory_lock(4242)",
        "BEGIN; SELECT pg_advisory_lock(4242); ROLLBACK",
        "SELECT pg_advisory_lock(4242); SELECT 1/0",
    })
    void sessionAdvisoryLockPinsItsClientUntilItLeaves(String sql) {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            a.query(sql);                                   // the last one fails on purpose, after taking the lock
            assertPinnedThenReset(a, b, "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND pid = pg_backend_pid() AND objid = 4242", "t");
        }
    }

    /** The same statements through Parse/Bind/Execute/Sync, as drivers send them. */
    @ParameterizedTest
    @ValueSource(strings = {"CREATE TEMP TABLE a_obj(i int)", "SELECT pg_advisory_lock(4242)"})
    void extendedProtocolPinsToo(String sql) {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            extended(a, "a_named", sql);
            assertPinnedThenReset(a, b, "SELECT 'pinned'", "pinned");
        }
    }

    @Test
    void extendedWithHoldCursorPins() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            extended(a, "", "BEGIN");
            extended(a, "", "DECLARE a_cur CURSOR WITH HOLD FOR SELECT 7");
            extended(a, "", "COMMIT");
            assertPinnedThenReset(a, b, "FETCH a_cur", "7");
        }
    }

    /** Nothing of these outlives its transaction: A must not be pinned, B runs on the same server right after. */
    @Test
    void statementsThatLeaveNothingBehindDoNotPin() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertShared(a, b);
            List<String> harmless = List.of(
                    "SELECT 1",
                    "CREATE TABLE IF NOT EXISTS objects_plain(i int)",
                    "INSERT INTO objects_plain VALUES (1)",
                    "UPDATE objects_plain SET i = 2",
                    "CREATE TABLE IF NOT EXISTS objects_regular(temp int)",
                    "SELECT temp FROM objects_regular",
                    "SELECT 'no temp objects here', 'template'",
                    "BEGIN; CREATE TEMP TABLE a_obj(i int) ON COMMIT DROP; INSERT INTO a_obj VALUES (1); COMMIT",
                    "CREATE TEMP TABLE a_obj(i int); INSERT INTO a_obj VALUES (1); DROP TABLE a_obj",
                    "BEGIN; DECLARE a_cur CURSOR FOR SELECT 1; FETCH a_cur; COMMIT",
                    "BEGIN; DECLARE a_cur CURSOR WITHOUT HOLD FOR SELECT 1; COMMIT",
                    "SELECT pg_advisory_xact_lock(4242)",
                    "SELECT pg_try_advisory_xact_lock(4242), pg_advisory_xact_lock_shared(1)",
                    "SELECT pg_advisory_unlock_all()",
                    "BEGIN; CREATE TEMP TABLE a_obj(i int); ROLLBACK",
                    "BEGIN; SELECT 1 INTO TEMP a_obj; ROLLBACK",
                    "CREATE TEMP TABLE a_obj(i int); SELECT 1/0",
                    "DROP TABLE objects_regular");
            for (String sql : harmless) {
                a.query(sql);
                assertThat(sessionStateUses(a)).as(sql).isZero();
                assertThat(value(b, B_VIEW)).as("B right after: " + sql).isEqualTo(CLEAN);
            }
            value(a, "BEGIN");
            value(a, "CREATE TEMP TABLE a_obj(i int)");
            value(a, "ROLLBACK");
            value(a, "BEGIN");
            value(a, "SELECT 1 INTO TEMP a_obj");
            assertThat(TxClients.errorOf(a, "SELECT 1/0")).isEqualTo("22012");
            value(a, "COMMIT");                             // of a failed block: PostgreSQL rolls it back
            extended(a, "", "SELECT pg_advisory_xact_lock(4242)");
            extended(a, "", "BEGIN");
            extended(a, "", "DECLARE a_cur CURSOR FOR SELECT 1");
            extended(a, "", "COMMIT");
            assertThat(sessionStateUses(a)).as("separate queries and extended protocol").isZero();
            assertThat(value(b, B_VIEW)).isEqualTo(CLEAN);
        }
    }

    /** session_state_policy = refuse: the client is ended with 0A000 naming the feature, the server reset. */
    @Test
    void refusedUnderRefusePolicy() {
        pooler.close();
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_objects").set("pool_mode", "transaction")
                .set("default_pool_size", 1).set("session_state_policy", "refuse").start();
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            a.send(RawClient.message('Q', RawClient.cstring("SELECT pg_advisory_lock(4242)")));
            RawClient.Outcome refused = a.untilClosed(Duration.ofSeconds(10));
            assertThat(refused.closed()).as("A ended: %s", refused).isTrue();
            assertThat(refused.sqlState()).isEqualTo("0A000");
            assertThat(refused.errorMessage()).contains("advisory lock");
            assertThat(value(b, B_VIEW)).as("B after A was refused").isEqualTo(CLEAN);
        }
    }

    /**
     * The object was counted once and A keeps it (it still has its server: the check query sees A's object); after
     * A leaves, B gets the server reset: no temp object, no cursor, the lock free.
     */
    private void assertPinnedThenReset(RawClient a, RawClient b, String aCheck, String aExpects) {
        assertThat(sessionStateUses(a)).as("the object counted as session state").isEqualTo(1);
        assertThat(value(a, aCheck)).as("A keeps its server and its object").isEqualTo(aExpects);
        assertThat(sessionStateUses(a)).as("counted once").isEqualTo(1);
        a.close();
        assertThat(value(b, B_VIEW)).as("B after A left").isEqualTo(CLEAN);
        assertThat(value(b, "SELECT pg_try_advisory_lock(4242)")).as("B gets A's lock").isEqualTo("t");
    }

    private static void assertShared(RawClient a, RawClient b) {
        assertThat(value(a, "SELECT pg_backend_pid()")).as("A and B share the backend")
                .isEqualTo(value(b, "SELECT pg_backend_pid()"));
    }

    private static void extended(RawClient client, String name, String sql) {
        client.send(Ext.parse(name, sql), Ext.bind("", name), Ext.execute("", 0), Ext.sync());
        List<Message> replies = Ext.untilReadies(client, 1);
        assertThat(Ext.summary(replies)).as(sql).doesNotContain("E");
    }

    private long sessionStateUses(RawClient client) {
        return TxClients.poolOf(pooler, client).group().sessionStateUses();
    }
}
