package io.tidepool.pooler.admin;

import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.Pgbench;
import io.tidepool.testkit.PgbenchSummary;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.Psql;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Console commands that change the pooler, each on its own pooler: PAUSE during a pgbench run (running transactions
 * finish, new ones wait, RESUME lets them through, none fails), RELOAD of a changed pool size without dropping
 * clients, DISABLE/ENABLE, RECONNECT + WAIT_CLOSE, SHUTDOWN WAIT_FOR_SERVERS.
 */
@ExtendWith(PostgresLogOnFailure.class)
class AdminOperationsIT {
    private static TidepoolFixture start(PostgresNode postgres, String db, int poolSize) {
        postgres.execute("drop database if exists " + db);
        postgres.execute("create database " + db);
        return TidepoolFixture.builder(postgres).database("bench", db).set("pool_mode", "transaction")
                .set("default_pool_size", poolSize).set("max_client_conn", 100).set("admin_users", "postgres")
                .start();
    }

    private static String[] databaseRow(TidepoolFixture pooler) {
        return Console.psqlRows(pooler.target("pgbouncer"), "SHOW DATABASES").stream()
                .filter(r -> r[0].equals("bench")).findFirst().orElseThrow();
    }

    @Test
    void pauseDuringPgbenchLosesNoTransaction() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_pause", 4)) {
            PgTarget bench = pooler.target("bench");
            Pgbench.initialize(bench, 1);
            CompletableFuture<PgbenchSummary> run = CompletableFuture.supplyAsync(() -> Pgbench.benchmark(bench,
                    Duration.ofMinutes(2), "-n", "-c", "8", "-j", "2", "-T", "8"));
            Thread.sleep(2000);
            long t0 = System.nanoTime();
            Psql.run(pooler.target("pgbouncer"), "-c", "PAUSE bench").requireSuccess();
            System.out.printf("PAUSE returned after %d ms; servers now %s%n", (System.nanoTime() - t0) / 1_000_000,
                    pooler.servers());
            assertThat(pooler.serverSlots()).as("PAUSE returns once every server is released and closed").isZero();
            assertThat(databaseRow(pooler)[15]).as("paused").isEqualTo("1");
            Thread.sleep(1500);
            String[] pool = Console.psqlRows(pooler.target("pgbouncer"), "SHOW POOLS").stream()
                    .filter(r -> r[0].equals("bench")).findFirst().orElseThrow();
            System.out.printf("while paused: cl_active %s, cl_waiting %s, sv_active %s, maxwait %s s%n", pool[2],
                    pool[3], pool[6], pool[13]);
            assertThat(pooler.serverSlots()).as("no server opens while paused").isZero();
            Psql.run(pooler.target("pgbouncer"), "-c", "RESUME bench").requireSuccess();
            PgbenchSummary summary = run.get();
            System.out.printf("pgbench across PAUSE/RESUME: processed %d, failed %d, tps %.1f%n",
                    summary.transactionsProcessed(), summary.failedTransactions(), summary.tps());
            assertThat(summary.failedTransactions()).isZero();
            assertThat(summary.transactionsProcessed()).isPositive();
            assertThat(Console.psqlError(pooler.target("pgbouncer"), "RESUME bench")).contains("is not paused");
            assertThat(Console.psqlError(pooler.target("pgbouncer"), "RESUME")).contains("not paused");
        }
    }

    @Test
    void reloadAppliesAPoolSizeWithoutDroppingClients() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_reload", 2);
             Connection held = pooler.target("bench").connect()) {
            held.createStatement().execute("SELECT 1");
            assertThat(databaseRow(pooler)[5]).isEqualTo("2");
            Path ini = pooler.directory().resolve("tidepool.ini");
            String original = Files.readString(ini);
            Files.writeString(ini, original.replace("default_pool_size = 2", "default_pool_size = 5"));
            Psql.run(pooler.target("pgbouncer"), "-c", "RELOAD").requireSuccess();
            assertThat(databaseRow(pooler)[5]).as("pool_size after RELOAD").isEqualTo("5");
            var rs = held.createStatement().executeQuery("SELECT 2");          // the client was not dropped
            assertThat(rs.next() && rs.getInt(1) == 2).isTrue();
            assertThat(pooler.serverSlots()).isLessThanOrEqualTo(5);
            // Case 65: a broken file is reported and the old configuration stays.
            Files.writeString(ini, original.replace("default_pool_size = 2", "default_pool_size = many"));
            assertThat(Console.psqlError(pooler.target("pgbouncer"), "RELOAD")).contains("RELOAD failed")
                    .contains("default_pool_size");
            assertThat(databaseRow(pooler)[5]).isEqualTo("5");
            assertThat(held.isValid(5)).isTrue();
        }
    }

    @Test
    void disableRefusesNewLoginsAndReconnectClosesServers() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_disable", 2)) {
            PgTarget admin = pooler.target("pgbouncer");
            try (Connection c = pooler.target("bench").connect()) {
                c.createStatement().execute("SELECT 1");
                Psql.run(admin, "-c", "DISABLE bench").requireSuccess();
                assertThat(databaseRow(pooler)[16]).as("disabled").isEqualTo("1");
                assertThat(Console.psqlError(pooler.target("bench"), "SELECT 1"))
                        .contains("database \"bench\" is disabled");
                c.createStatement().execute("SELECT 1");               // logged-in clients carry on
                Psql.run(admin, "-c", "ENABLE bench").requireSuccess();
                assertThat(Console.psqlRows(pooler.target("bench"), "SELECT 3").getFirst()).containsExactly("3");
                assertThat(Console.psqlError(admin, "DISABLE")).contains("a database is required");
                assertThat(Console.psqlError(admin, "DISABLE nosuchdb")).contains("no such database: nosuchdb");
                assertThat(Console.psqlError(admin, "PAUSE pgbouncer")).contains("cannot pause admin db");
                List<String> before = pooler.servers();
                Psql.run(admin, "-c", "RECONNECT bench").requireSuccess();
                Psql.run(admin, "-c", "WAIT_CLOSE bench").requireSuccess();
                System.out.println("servers before RECONNECT " + before + ", after WAIT_CLOSE " + pooler.servers());
                assertThat(pooler.servers()).doesNotContainAnyElementsOf(before);
                c.createStatement().execute("SELECT 1");
                assertThat(Console.psqlError(admin, "SUSPEND")).contains("not supported");
            }
        }
    }

    @Test
    void killDropsTheDatabasesClientsAndHoldsNewOnesUntilResume() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_kill", 2)) {
            PgTarget admin = pooler.target("pgbouncer");
            try (Connection c = pooler.target("bench").connect()) {
                c.createStatement().execute("SELECT 1");
                Psql.run(admin, "-c", "KILL bench").requireSuccess();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.createStatement().execute("SELECT 1"))
                        .isInstanceOf(java.sql.SQLException.class);
            }
            // KILL asks every server connection to close; each frees its slot when its close has completed.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (pooler.serverSlots() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(pooler.serverSlots()).isZero();
            assertThat(databaseRow(pooler)[15]).as("paused after KILL").isEqualTo("1");
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> Psql.query(pooler.target("bench"),
                    "SELECT 42"));
            Thread.sleep(1000);
            assertThat(waiting).isNotDone();
            Psql.run(admin, "-c", "RESUME bench").requireSuccess();
            assertThat(waiting.get()).isEqualTo("42");
        }
    }

    @Test
    void shutdownWaitForServersLetsTheRunningTransactionFinish() throws Exception {
        PostgresNode postgres = SharedPostgres.primary();
        try (TidepoolFixture pooler = start(postgres, "it_admin_shutdown", 2)) {
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> Psql.query(pooler.target("bench"),
                    "SELECT pg_sleep(1.5)::text || 'done'"));
            Thread.sleep(500);
            Psql.run(pooler.target("pgbouncer"), "-c", "SHUTDOWN WAIT_FOR_SERVERS").requireSuccess();
            assertThat(slow.get()).isEqualTo("done");
            pooler.tidepool().awaitStopped();
        }
    }
}
