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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tidepool.pooler.it.tx.TxClients.errorOf;
import static io.tidepool.pooler.it.tx.TxClients.login;
import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3 "client A's SET never appears in client B's session" and RELIABILITY cases 68–70: two clients share the
 * one server connection of a transaction-mode pool (default_pool_size 1), taking turns, so every statement of B runs
 * on the backend A just used. B's session must look as if A never existed: tracked parameters are replayed per
 * client (TimeZone, application_name, DateStyle, IntervalStyle, and search_path with track_extra_parameters), and
 * untracked session state (other SETs, SET ROLE, temp tables, cursors, LISTEN, advisory locks, SQL PREPARE) must be
 * reset, pinned or refused, never handed over. A fresh pooler per test, so a leak in one test cannot poison the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class SessionIsolationIT {
    private static final List<String> TRACKED = List.of("TimeZone", "application_name", "DateStyle", "IntervalStyle");

    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void database() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_iso");
        postgres.execute("create database it_tx_iso");
        postgres.execute("drop role if exists it_tx_low");
        postgres.execute("create role it_tx_low nologin");
    }

    @BeforeEach
    void start() {
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_iso").set("pool_mode", "transaction")
                .set("default_pool_size", 1).set("track_extra_parameters", "IntervalStyle, search_path").start();
    }

    @AfterEach
    void stop() {
        pooler.close();
    }

    /**
     * The first client of a pool waits at login for a server (to learn the welcome parameters); that link must end
     * with the login in transaction mode, or a client that connects and sits idle pins the pool's only server.
     */
    @Test
    void firstClientOfAColdPoolDoesNotPinTheServerWhileIdle() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient idle = pair.a();
            RawClient b = pair.b();
            assertThat(value(b, "SELECT 'b'")).isEqualTo("b");
            assertThat(value(idle, "SELECT 'a'")).isEqualTo("a");
        }
    }

    @Test
    void trackedParametersStayWithTheClientThatSetThem() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app", new String[] {"application_name", "client-a"},
                new String[] {"application_name", "client-b"})) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            Map<String, String> baseline = settings(b);
            value(a, "SET TimeZone = 'Pacific/Chatham'");
            value(a, "SET application_name = 'a-renamed'");
            value(a, "SET DateStyle = 'German'");
            value(a, "SET IntervalStyle = 'iso_8601'");
            Map<String, String> mine = settings(a);
            for (int round = 0; round < 3; round++) {
                assertThat(settings(b)).as("B after A's SETs, round %d", round).isEqualTo(baseline);
                assertThat(settings(a)).as("A after B ran, round %d", round).isEqualTo(mine);
            }
            assertThat(mine).containsEntry("TimeZone", "Pacific/Chatham").containsEntry("application_name",
                    "a-renamed").containsEntry("IntervalStyle", "iso_8601");
            assertThat(baseline.get("application_name")).isEqualTo("client-b");
        }
    }

    @Test
    void searchPathFromTheStartupPacketIsReplayedPerClient() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app", new String[] {"search_path", "evil, public"},
                new String[0])) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            String baseline = value(b, "SELECT current_setting('search_path')");
            assertThat(value(a, "SELECT current_setting('search_path')")).isEqualTo("evil, public");
            assertThat(value(b, "SELECT current_setting('search_path')")).isEqualTo(baseline);
            assertThat(value(a, "SELECT current_setting('search_path')")).isEqualTo("evil, public");
        }
    }

    /** Case 68, search_path part: PostgreSQL 15 does not report search_path, so a SET is invisible to the pooler. */
    @Test
    void case68SearchPathSetByOneClientNeverReachesAnother() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            String baseline = value(b, "SELECT current_setting('search_path')");
            value(a, "SET search_path = evil");
            assertThat(value(b, "SELECT current_setting('search_path')")).as("B's search_path after A's SET")
                    .isEqualTo(baseline);
            // With track_extra_parameters = search_path the pooler should also keep A's value (transparency).
            assertThat(value(a, "SELECT current_setting('search_path')")).as("A's own search_path after B ran")
                    .isEqualTo("evil");
        }
    }

    /** Case 68: untracked parameters set outside a transaction (PgBouncer #396, PR #1567 read-only leak). */
    @Test
    void case68UntrackedSetsNeverReachAnotherClient() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            String timeout = value(b, "SELECT current_setting('statement_timeout')");
            String readOnly = value(b, "SELECT current_setting('default_transaction_read_only')");
            value(a, "SET statement_timeout = 1");
            value(a, "SET default_transaction_read_only = on");
            assertThat(value(b, "SELECT current_setting('statement_timeout') || ' ' || "
                    + "current_setting('default_transaction_read_only')")).as("B's settings after A's SETs")
                    .isEqualTo(timeout + " " + readOnly);
            assertThat(errorOf(b, "CREATE TEMP TABLE b_writes(i int); SELECT pg_sleep(0.01)"))
                    .as("B can write and run for more than 1 ms").isEmpty();
        }
    }

    /** Case 69: SET ROLE / SET SESSION AUTHORIZATION are the worst leak: privilege. */
    @Test
    void case69SetRoleNeverReachesAnotherClient() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            assertThat(value(b, "SELECT current_user || ' ' || session_user")).isEqualTo("postgres postgres");
            value(a, "SET ROLE it_tx_low");
            assertThat(value(b, "SELECT current_user || ' ' || session_user")).as("B after A's SET ROLE")
                    .isEqualTo("postgres postgres");
            value(a, "RESET ROLE");
            value(a, "SET SESSION AUTHORIZATION it_tx_low");
            assertThat(value(b, "SELECT current_user || ' ' || session_user"))
                    .as("B after A's SET SESSION AUTHORIZATION").isEqualTo("postgres postgres");
        }
    }

    /** Case 70: A leaves session objects behind and disconnects; B must see none of them. */
    @Test
    void case70SessionObjectsOfADisconnectedClientNeverReachAnother() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient b = pair.b();
            try (RawClient a = pair.a()) {
                assertThat(value(a, "SELECT pg_backend_pid()")).as("A and B share the backend")
                        .isEqualTo(value(b, "SELECT pg_backend_pid()"));
                value(a, "CREATE TEMP TABLE a_tmp(i int)");
                value(a, "BEGIN; DECLARE a_cur CURSOR WITH HOLD FOR SELECT 1; COMMIT");
                value(a, "LISTEN a_channel");
                value(a, "SELECT pg_advisory_lock(4242)");
                value(a, "PREPARE a_stmt AS SELECT 1");
                a.send(RawClient.message('X', new byte[0]));
            }
            RawClient.sleep(java.time.Duration.ofMillis(300));
            Map<String, String> seen = new LinkedHashMap<>();
            seen.put("temp table", value(b, "SELECT coalesce(to_regclass('pg_temp.a_tmp')::text, 'none')"));
            seen.put("cursors", value(b, "SELECT count(*) FROM pg_cursors"));
            seen.put("listening", value(b, "SELECT count(*) FROM pg_listening_channels()"));
            seen.put("advisory lock free", value(b, "SELECT pg_try_advisory_lock(4242)"));
            value(b, "SELECT pg_advisory_unlock_all()");
            seen.put("PREPARE a_stmt", errorOf(b, "EXECUTE a_stmt"));
            List<Message> notify = b.query("NOTIFY a_channel");
            seen.put("notifications", Long.toString(notify.stream().filter(m -> m.type() == 'A').count()));
            System.out.println("case 70, what B saw of A's session objects: " + seen + "; servers " + pooler.servers());
            Map<String, String> clean = new LinkedHashMap<>();
            clean.put("temp table", "none");
            clean.put("cursors", "0");
            clean.put("listening", "0");
            clean.put("advisory lock free", "t");
            clean.put("PREPARE a_stmt", "26000");
            clean.put("notifications", "0");
            assertThat(seen).as("B's view of A's session objects").isEqualTo(clean);
        }
    }

    private static Map<String, String> settings(RawClient client) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : TRACKED) {
            values.put(name, value(client, "SELECT current_setting('" + name + "')"));
        }
        return values;
    }
}
