package io.tidepool.pooler.it;

import io.tidepool.testkit.PgBinaries;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.ProcessResult;
import io.tidepool.testkit.ProcessRunner;
import io.tidepool.testkit.Psql;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code psql} through Tidepool in session mode (issue 2 acceptance): catalog queries ({@code \d}), a
 * multi-statement query string, errors followed by more queries, 100 MB COPY in and out with the pooler's memory
 * printed, LISTEN/NOTIFY between two clients, and a {@code pg_sleep(30)} cancelled by SIGINT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class PsqlIT {
    private PostgresNode postgres;
    private TidepoolFixture pooler;
    private PgTarget target;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_psql");
        postgres.execute("create database it_psql");
        pooler = TidepoolFixture.builder(postgres).database("app", "it_psql").start();
        target = pooler.target("app");
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void describeRunsCatalogQueries() {
        Psql.query(target, "create table if not exists described(id int primary key, note text not null)");
        ProcessResult list = Psql.run(target, "-c", "\\d").requireSuccess();
        assertThat(list.stdout()).contains("described").contains("table");
        ProcessResult table = Psql.run(target, "-c", "\\d described").requireSuccess();
        assertThat(table.stdout()).contains("note").contains("not null").contains("described_pkey");
    }

    @Test
    void multiStatementQueryString() {
        // One Query message; the temp table shows every statement ran in the same session, in order.
        String out = Psql.query(target, "create temp table m(i int); insert into m values (1), (2); "
                + "select sum(i) from m");
        assertThat(out.lines().toList()).last().isEqualTo("3");
    }

    @Test
    void errorThenMoreQueriesInTheSameSession() throws Exception {
        Path script = Files.createTempFile("tidepool-psql-", ".sql");
        try {
            Files.writeString(script, String.join("\n",
                    "\\set ON_ERROR_STOP off",
                    "select pg_backend_pid() as pid \\gset",
                    "select 1/0;",
                    "select 'after error';",
                    "begin;",
                    "select no_such_column;",
                    "select 'inside aborted transaction';",
                    "rollback;",
                    "select 'same backend: ' || (pg_backend_pid() = :pid);",
                    ""));
            ProcessResult result = Psql.run(target, "-At", "-f", script.toString());
            assertThat(result.exitCode()).as(result.describe()).isZero();
            assertThat(result.stderr()).contains("division by zero").contains("no_such_column")
                    .contains("current transaction is aborted");
            assertThat(result.stdout()).contains("after error").contains("same backend: true")
                    .doesNotContain("inside aborted transaction");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    @Test
    void copyHundredMegabytesInAndOutWithFlatMemory() throws Exception {
        Psql.query(target, "create table if not exists bulk(id int, payload text)");
        Psql.query(target, "truncate bulk");
        Path in = Files.createTempFile("tidepool-copy-in-", ".tsv");
        Path out = Files.createTempFile("tidepool-copy-out-", ".tsv");
        try {
            String payload = "x".repeat(100);
            int rows = 0;
            try (BufferedWriter writer = Files.newBufferedWriter(in, StandardCharsets.US_ASCII)) {
                while (rows * 106L < 100L * 1024 * 1024) {
                    writer.write(rows + "\t" + payload + "\n");
                    rows++;
                }
            }
            long size = Files.size(in);
            ProcessResult copyIn;
            MemoryProbe inProbe = MemoryProbe.start("COPY FROM STDIN " + size / (1024 * 1024) + " MB");
            try (inProbe) {
                long start = System.nanoTime();
                copyIn = Psql.run(target, Duration.ofMinutes(3), "-c", "\\copy bulk from '" + in + "'");
                System.out.printf("COPY FROM STDIN: %d rows, %d bytes in %d ms%n", rows, size,
                        (System.nanoTime() - start) / 1_000_000);
                inProbe.stop();
            }
            assertThat(copyIn.exitCode()).as(copyIn.describe()).isZero();
            assertThat(copyIn.stdout()).contains("COPY " + rows);

            MemoryProbe outProbe = MemoryProbe.start("COPY TO STDOUT");
            ProcessResult copyOut;
            try (outProbe) {
                long start = System.nanoTime();
                copyOut = Psql.run(target, Duration.ofMinutes(3), "-c", "\\copy bulk to '" + out + "'");
                System.out.printf("COPY TO STDOUT: %d bytes in %d ms%n", Files.size(out),
                        (System.nanoTime() - start) / 1_000_000);
                outProbe.stop();
            }
            assertThat(copyOut.exitCode()).as(copyOut.describe()).isZero();
            assertThat(Files.size(out)).isEqualTo(size);
            long direct = System.nanoTime();
            Psql.run(postgres.target(PostgresNode.SUPERUSER, "it_psql"), Duration.ofMinutes(3), "-c",
                    "\\copy bulk to '" + out + "'").requireSuccess();
            System.out.printf("COPY TO STDOUT straight from PostgreSQL (for comparison): %d ms%n",
                    (System.nanoTime() - direct) / 1_000_000);
            // Pass-through with backpressure: what the pooler holds is bounded by watermarks and socket buffers,
            // far below the 100 MB that went through (whole-message or whole-stream buffering would show here).
            for (MemoryProbe probe : List.of(inProbe, outProbe)) {
                assertThat(probe.directGrowthPeakMb()).as("direct memory growth at peak, MB").isLessThan(32);
                assertThat(probe.heapGrowthAfterGcMb()).as("heap retained after GC, MB").isLessThan(16);
            }
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Psql.query(target, "drop table bulk");
        }
    }

    @Test
    void listenNotifyBetweenTwoClients() throws Exception {
        try (Connection listener = target.connect(); Connection notifier = target.connect();
             Statement listen = listener.createStatement(); Statement notify = notifier.createStatement()) {
            listen.execute("LISTEN tide");
            notify.execute("NOTIFY tide, 'high water'");
            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(received).isNotNull().hasSize(1);
            assertThat(received[0].getName()).isEqualTo("tide");
            assertThat(received[0].getParameter()).isEqualTo("high water");
        }
    }

    @Test
    void pgSleepCancelledBySigint() throws Exception {
        List<String> command = new ArrayList<>(List.of(PgBinaries.get().tool("psql").toString(), "-X", "-w",
                "-c", "SELECT pg_sleep(30)"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().putAll(target.libpqEnv());
        Path output = Files.createTempFile("tidepool-psql-cancel-", ".txt");
        builder.redirectOutput(output.toFile());
        Process psql = builder.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!"1".equals(postgres.queryString("select count(*) from pg_stat_activity where datname = "
                    + "'it_psql' and state = 'active' and query = 'SELECT pg_sleep(30)'"))) {
                assertThat(System.nanoTime()).as("pg_sleep running in PostgreSQL").isLessThan(deadline);
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            ProcessRunner.of("kill", "-INT", Long.toString(psql.pid())).run().requireSuccess();
            boolean exited = psql.waitFor(25, java.util.concurrent.TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            String text = Files.readString(output);
            System.out.printf("cancel: psql returned %d ms after SIGINT: %s%n", millis, text.strip());
            assertThat(exited).as("psql exited before pg_sleep(30) could finish").isTrue();
            assertThat(text).contains("canceling statement due to user request");
            assertThat(psql.exitValue()).isNotZero();
            assertThat(millis).as("cancel latency, ms (pg_sleep would take 30000)").isLessThan(10_000);
        } finally {
            psql.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }
}
