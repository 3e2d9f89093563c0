package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.tidepool.pooler.it.tx.TxClients.errorOf;
import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3, PgBouncer's {@code track_extra_parameters} in transaction pooling: two clients take turns on the one
 * server connection of a pool (default_pool_size 1). A parameter in the list (compared case-insensitively) that a
 * client sent at startup, or SET and had reported back by the server (even through the extended protocol, which the
 * pooler's SET recogniser does not read), follows that client to every transaction and never shows in the other
 * client's; such a SET is not session state (nothing pinned, nothing counted). A parameter the server reports but the
 * list does not name stays session state, as before; so does the behaviour for untracked startup parameters, and a
 * RELOAD that edits the key changes nothing until a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class TrackExtraParametersIT {
    /** Mixed case on purpose: GUC names, and PgBouncer's list, are case-insensitive. */
    private static final String TRACKED = "Search_Path, intervalstyle, Default_Transaction_Read_Only";
    private static final int ROUNDS = 4;

    private PostgresNode postgres;

    @BeforeAll
    void database() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_extra");
        postgres.execute("create database it_tx_extra");
    }

    private TidepoolFixture pooler(String tracked) {
        return TidepoolFixture.builder(postgres).database("app", "it_tx_extra").set("pool_mode", "transaction")
                .set("default_pool_size", 1).set("track_extra_parameters", tracked)
                .set("ignore_startup_parameters", "extra_float_digits").start();
    }

    @Test
    void searchPathFromTheStartupPacketFollowsItsClientThroughInterleavedTransactions() {
        try (TidepoolFixture pooler = pooler(TRACKED)) {
            try (RawClient setup = TxClients.login(pooler, "app")) {
                value(setup, "CREATE SCHEMA IF NOT EXISTS a_schema");
            }
            try (TxClients.Pair pair = TxClients.pair(pooler, "app", new String[] {"search_path", "a_schema"},
                    new String[] {"options", "-c IntervalStyle=iso_8601"})) {
                RawClient a = pair.a();
                RawClient b = pair.b();
                assertThat(value(a, "SELECT pg_backend_pid()")).as("A and B share the backend")
                        .isEqualTo(value(b, "SELECT pg_backend_pid()"));
                String defaultPath = postgres.queryString("SHOW search_path");
                for (int round = 0; round < ROUNDS; round++) {
                    assertThat(value(a, "BEGIN; SHOW search_path; COMMIT")).as("A, round %d", round)
                            .isEqualTo("a_schema");
                    assertThat(value(a, "SELECT current_schema()")).isEqualTo("a_schema");
                    assertThat(value(b, "BEGIN; SHOW search_path; COMMIT")).as("B, round %d", round)
                            .isEqualTo(defaultPath);
                    assertThat(value(b, "SHOW IntervalStyle")).isEqualTo("iso_8601");
                    assertThat(value(a, "SHOW IntervalStyle")).isEqualTo("postgres");
                }
                assertThat(sessionStateUses(pooler, a)).isZero();
            }
        }
    }

    /**
     * PostgreSQL 15 reports IntervalStyle and default_transaction_read_only: a SET of either through Parse/Bind/Execute
     * reaches the pooler only as a ParameterStatus, which must become the client's remembered value.
     */
    @Test
    void reportedTrackedParametersSetThroughTheExtendedProtocolFollowTheirClientAndPinNothing() {
        try (TidepoolFixture pooler = pooler(TRACKED);
             TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            String style = value(b, "SHOW IntervalStyle");
            extendedSet(a, "SET IntervalStyle = sql_standard");
            extendedSet(a, "SET default_transaction_read_only = on");
            assertThat(sessionStateUses(pooler, a)).as("SETs counted as session state").isZero();
            for (int round = 0; round < ROUNDS; round++) {
                assertThat(value(b, "SHOW IntervalStyle") + " " + value(b, "SHOW default_transaction_read_only"))
                        .as("B, round %d", round).isEqualTo(style + " off");
                assertThat(errorOf(b, "CREATE TEMP TABLE b_writes(i int); DROP TABLE b_writes")).as("B writes")
                        .isEmpty();
                assertThat(value(a, "SHOW IntervalStyle") + " " + value(a, "SHOW default_transaction_read_only"))
                        .as("A, round %d", round).isEqualTo("sql_standard on");
                assertThat(errorOf(a, "CREATE TABLE a_writes(i int)")).as("A is read-only").isEqualTo("25006");
            }
            extendedSet(a, "SET IntervalStyle TO DEFAULT");
            assertThat(value(a, "SHOW IntervalStyle")).isEqualTo(style);
            assertThat(sessionStateUses(pooler, a)).as("SETs counted as session state").isZero();
        }
    }

    /** The same SET of a reported parameter the list does not name: session state, as before (pinned, then reset). */
    @Test
    void aReportedParameterOutsideTheListIsStillSessionState() {
        try (TidepoolFixture pooler = pooler("IntervalStyle");
             TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertThat(value(b, "SHOW default_transaction_read_only")).isEqualTo("off");
            extendedSet(a, "SET default_transaction_read_only = on");
            assertThat(sessionStateUses(pooler, a)).isEqualTo(1);
            assertThat(value(a, "SHOW default_transaction_read_only")).as("A keeps its pinned server").isEqualTo("on");
            a.close();
            assertThat(value(b, "SHOW default_transaction_read_only")).as("B after A left").isEqualTo("off");
        }
    }

    /**
     * Tidepool applies every well-formed startup parameter, tracked or not (README; PgBouncer refuses untracked ones):
     * an untracked one still follows its client, one in ignore_startup_parameters is still dropped, and a malformed
     * {@code options} is still refused.
     */
    @Test
    void untrackedStartupParametersBehaveAsBefore() {
        try (TidepoolFixture pooler = pooler(TRACKED);
             TxClients.Pair pair = TxClients.pair(pooler, "app", new String[] {"statement_timeout", "4321",
                     "extra_float_digits", "3"}, new String[0])) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            String defaultDigits = postgres.queryString("SHOW extra_float_digits");
            for (int round = 0; round < ROUNDS; round++) {
                assertThat(value(a, "SHOW statement_timeout")).isEqualTo("4321ms");
                assertThat(value(b, "SHOW statement_timeout")).isEqualTo("0");
                assertThat(value(a, "SHOW extra_float_digits")).as("ignored").isEqualTo(defaultDigits);
            }
            RawClient bad = RawClient.connect(pooler.host(), pooler.port());
            bad.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "app", "options",
                    "-X search_path=x"));
            RawClient.Outcome refusal = bad.untilClosed(java.time.Duration.ofSeconds(10));
            bad.close();
            assertThat(refusal.closed()).isTrue();
            assertThat(refusal.sqlState()).isEqualTo("0A000");
        }
    }

    /** track_extra_parameters needs a restart (PgBouncer too): a RELOAD that drops a name keeps tracking it. */
    @Test
    void reloadKeepsTheTrackedListUntilARestart() throws Exception {
        try (TidepoolFixture pooler = pooler(TRACKED)) {
            Path ini = pooler.directory().resolve("tidepool.ini");
            String text = Files.readString(ini);
            assertThat(text).contains("track_extra_parameters = " + TRACKED);
            Files.writeString(ini, text.replace("track_extra_parameters = " + TRACKED,
                    "track_extra_parameters = IntervalStyle"));
            assertThat(pooler.tidepool().reload()).isTrue();
            assertThat(pooler.logs().linesWith("track_extra_parameters: changed from")).isNotEmpty();
            try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
                RawClient a = pair.a();
                RawClient b = pair.b();
                extendedSet(a, "SET default_transaction_read_only = on");
                assertThat(sessionStateUses(pooler, a)).as("SET counted as session state (A pinned)").isZero();
                assertThat(value(b, "SHOW default_transaction_read_only")).isEqualTo("off");
                assertThat(value(a, "SHOW default_transaction_read_only")).isEqualTo("on");
            }
        }
    }

    /** A SET sent as Parse/Bind/Execute/Sync: the pooler's SET recogniser reads simple Queries only. */
    private static void extendedSet(RawClient client, String sql) {
        client.send(Ext.parse("", sql), Ext.bind("", ""), Ext.execute("", 0), Ext.sync());
        List<Message> replies = Ext.untilReadies(client, 1);
        assertThat(Ext.summary(replies)).as(sql).doesNotContain("E");
    }

    private static long sessionStateUses(TidepoolFixture pooler, RawClient client) {
        PoolGroup group = TxClients.poolOf(pooler, client).group();
        return group.sessionStateUses();
    }
}
