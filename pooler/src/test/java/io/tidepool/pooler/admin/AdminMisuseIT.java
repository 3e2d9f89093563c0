package io.tidepool.pooler.admin;

import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.Psql;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RELIABILITY cases 66 and 67: console commands used at the wrong moment or by the wrong user. KILL while COMMITs
 * are in flight (each COMMIT is slowed by a deferred constraint trigger that sleeps, so it is still running when KILL
 * arrives), RESUME without PAUSE, SHUTDOWN WAIT_FOR_SERVERS during a COMMIT, PAUSE/RESUME repeated, a login by a
 * user outside admin_users/stats_users, the console at max_client_conn, and the console during a graceful shutdown.
 * Each test has its own pooler (transaction mode, admin_users = postgres) and its own database.
 */
@ExtendWith(PostgresLogOnFailure.class)
class AdminMisuseIT {
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(20);

    private static TidepoolFixture start(PostgresNode postgres, String db, int maxClients) {
        postgres.execute("drop database if exists " + db);
        postgres.execute("create database " + db);
        return TidepoolFixture.builder(postgres).database("bench", db).set("pool_mode", "transaction")
                .set("default_pool_size", 8).set("max_client_conn", maxClients).set("admin_users", "postgres")
                .set("stats_users", "stats").start();
    }

    /**
     * A table whose COMMIT runs a deferred constraint trigger sleeping {@code seconds} plus {@code perId} times the
     * row's id, so COMMITs of different rows end at different moments.
     */
    private static void createSlowCommitTable(PostgresNode postgres, String db, double seconds, double perId)
            throws SQLException {
        try (Connection c = postgres.connect(PostgresNode.SUPERUSER, db); Statement st = c.createStatement()) {
            st.execute("create table acked (id int primary key)");
            st.execute("create function slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep("
                    + seconds + " + " + perId + " * new.id); return null; end $$");
            st.execute("create constraint trigger slow after insert on acked deferrable initially deferred "
                    + "for each row execute function slow_commit()");
        }
    }

    private static Set<Integer> committedIds(PostgresNode postgres, String db) throws SQLException {
        Set<Integer> ids = new HashSet<>();
        try (Connection c = postgres.connect(PostgresNode.SUPERUSER, db); Statement st = c.createStatement();
             var rs = st.executeQuery("select id from acked")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    /** Opens a transaction that inserted {@code id}; its COMMIT is still to be sent. */
    private static Connection pendingInsert(PgTarget target, int id) throws SQLException {
        Connection c = target.connect();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("insert into acked values (" + id + ")");
        }
        return c;
    }

    /** COMMIT on another thread: "ok", or the SQLSTATE and message of the failure. */
    private static CompletableFuture<String> commitAsync(Connection c) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                c.commit();
                return "ok";
            } catch (SQLException e) {
                return e.getSQLState() + " " + e.getMessage();
            }
        });
    }

    private static String[] databaseRow(TidepoolFixture pooler) {
        return Console.psqlRows(pooler.target("pgbouncer"), "SHOW DATABASES").stream()
                .filter(r -> r[0].equals("bench")).findFirst().orElseThrow();
    }

    private static void admin(TidepoolFixture pooler, String command) {
        Psql.run(pooler.target("pgbouncer"), PSQL_TIMEOUT, "-c", command).requireSuccess();
    }

    /** Case 66(a): every in-flight COMMIT gets its result or a connection error; every acknowledged row exists. */
    @Test
    void killWithCommitsInFlightNeverDropsAnOutcome() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        String db = "it_admin_misuse_kill";
        try (TidepoolFixture pooler = start(postgres, db, 50)) {
            // COMMIT of row id sleeps 0.2 * id s: the first ones are normally acknowledged before KILL, the rest not.
            createSlowCommitTable(postgres, db, 0, 0.2);
            List<Connection> clients = new ArrayList<>();
            try {
                for (int id = 1; id <= 8; id++) {
                    clients.add(pendingInsert(pooler.target("bench"), id));
                }
                List<CompletableFuture<String>> commits = clients.stream().map(AdminMisuseIT::commitAsync).toList();
                Thread.sleep(700);
                long running = commits.stream().filter(f -> !f.isDone()).count();
                System.out.printf("COMMITs still running when KILL is sent: %d of %d%n", running, commits.size());
                assertThat(running).as("COMMITs in flight at KILL").isPositive();
                admin(pooler, "KILL bench");
                Set<Integer> acknowledged = new HashSet<>();
                for (int i = 0; i < commits.size(); i++) {
                    String outcome = commits.get(i).get(30, TimeUnit.SECONDS);     // a hang fails here
                    System.out.printf("client %d COMMIT across KILL: %s%n", i + 1, outcome);
                    if (outcome.equals("ok")) {
                        acknowledged.add(i + 1);
                    } else {
                        assertThat(outcome).as("a connection error, class 08 or 57P01")
                                .matches("(08\\d\\w\\w|57P01) .*");
                    }
                }
                Set<Integer> committed = committedIds(postgres, db);
                System.out.printf("acknowledged %s, committed in PostgreSQL %s%n", acknowledged, committed);
                assertThat(committed).containsAll(acknowledged);
            } finally {
                for (Connection c : clients) {
                    c.close();
                }
            }
            admin(pooler, "RESUME bench");
            assertThat(Psql.query(pooler.target("bench"), "SELECT count(*) FROM acked")).isNotEmpty();
        }
    }

    /** Case 66(b) and (d): RESUME without PAUSE is refused and changes nothing; PAUSE/RESUME twice is stable. */
    @Test
    void resumeWithoutPauseAndRepeatedPauseResume() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_misuse_resume", 50);
             Connection client = pooler.target("bench").connect()) {
            PgTarget console = pooler.target("pgbouncer");
            client.createStatement().execute("SELECT 1");
            List<String[]> stateBefore = Console.psqlRows(console, "SHOW STATE");
            String[] databaseBefore = databaseRow(pooler);
            // PgBouncer admin.c: "pooler is not paused/suspended" and "database %s is not paused".
            assertThat(Console.psqlError(console, "RESUME")).contains("pooler is not paused/suspended");
            assertThat(Console.psqlError(console, "RESUME bench")).contains("database bench is not paused");
            assertThat(Console.psqlRows(console, "SHOW STATE")).usingRecursiveComparison().isEqualTo(stateBefore);
            assertThat(databaseRow(pooler)).containsExactly(databaseBefore);
            client.createStatement().execute("SELECT 2");

            for (String target : List.of("bench", "")) {      // one database, then the whole pooler
                for (int round = 1; round <= 2; round++) {
                    long t0 = System.nanoTime();
                    admin(pooler, ("PAUSE " + target).strip());
                    admin(pooler, ("RESUME " + target).strip());
                    System.out.printf("PAUSE/RESUME %s round %d: %d ms%n", target.isEmpty() ? "(all)" : target,
                            round, (System.nanoTime() - t0) / 1_000_000);
                    var rs = client.createStatement().executeQuery("SELECT " + round);
                    assertThat(rs.next() && rs.getInt(1) == round).isTrue();
                }
            }
            assertThat(Console.psqlError(console, "RESUME bench")).contains("is not paused");
            assertThat(databaseRow(pooler)[15]).as("paused").isEqualTo("0");
            assertThat(Psql.query(pooler.target("bench"), "SELECT 7")).isEqualTo("7");
        }
    }

    /**
     * Case 66(c) and 67(c): SHUTDOWN WAIT_FOR_SERVERS during a COMMIT delivers the COMMIT before the pooler stops;
     * while it waits, a new console login is refused clearly: Tidepool closes its listening socket when shutdown starts
     * (connection refused), so by design the console is not reachable for new logins during a graceful shutdown.
     */
    @Test
    void shutdownWaitForServersDeliversTheRunningCommit() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        String db = "it_admin_misuse_shutdown";
        try (TidepoolFixture pooler = start(postgres, db, 50)) {
            createSlowCommitTable(postgres, db, 2, 0);
            try (Connection client = pendingInsert(pooler.target("bench"), 42)) {
                CompletableFuture<String> commit = commitAsync(client);
                Thread.sleep(400);
                assertThat(commit).isNotDone();
                admin(pooler, "SHUTDOWN WAIT_FOR_SERVERS");
                assertThat(commit).as("the pooler waits for the COMMIT").isNotDone();
                String refusal = Console.psqlError(pooler.target("pgbouncer"), "SHOW STATE");
                System.out.println("console login during shutdown: " + refusal.strip());
                // The listening socket is closed at once (Tidepool#shutdown: "no new connections"); a login that
                // still reached the pooler would get 57P03 "pooler is shutting down" from ClientSession.
                assertThat(refusal).containsAnyOf("Connection refused", "pooler is shutting down");
                assertThat(commit.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
                pooler.tidepool().awaitStopped();
            }
            assertThat(committedIds(postgres, db)).containsExactly(42);
        }
    }

    /** Case 67(a): a user outside admin_users/stats_users is refused with PgBouncer's error, and it is logged. */
    @Test
    void consoleLoginByAnOrdinaryUserIsRefusedAndLogged() {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_misuse_authz", 50)) {
            assertThat(Console.psqlError(pooler.target("pgbouncer").withUser("mallory"), "SHOW POOLS"))
                    .contains("not allowed");
            String line = pooler.logs().await(Duration.ofSeconds(5),
                    l -> l.contains("authentication failed") && l.contains("mallory"));
            System.out.println("logged: " + line);
            assertThat(line).isNotNull().contains("admin_users");
            assertThat(Console.psqlRows(pooler.target("pgbouncer").withUser("stats"), "SHOW STATE")).isNotEmpty();
        }
    }

    /**
     * Case 67(b): with max_client_conn taken by ordinary clients, an admin still reaches the console (PgBouncer
     * client.c: "dont limit admin db"), while another ordinary client is refused.
     */
    @Test
    void adminReachesTheConsoleAtMaxClientConn() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_misuse_maxconn", 3)) {
            List<Connection> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Connection c = pooler.target("bench").connect();
                    c.createStatement().execute("SELECT 1");
                    clients.add(c);
                }
                assertThatThrownBy(() -> pooler.target("bench").connect().close())
                        .hasMessageContaining("no more connections allowed (max_client_conn)");
                List<String[]> pools = Console.psqlRows(pooler.target("pgbouncer"), "SHOW POOLS");
                String[] bench = pools.stream().filter(r -> r[0].equals("bench")).findFirst().orElseThrow();
                System.out.printf("console at max_client_conn: bench cl_active %s%n", bench[2]);
                assertThat(bench[2]).isEqualTo("3");
                assertThat(Console.psqlError(pooler.target("pgbouncer").withUser("mallory"), "SHOW POOLS"))
                        .contains("not allowed");
            } finally {
                for (Connection c : clients) {
                    c.close();
                }
            }
        }
    }
}
