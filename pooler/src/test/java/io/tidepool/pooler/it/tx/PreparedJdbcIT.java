package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3 acceptance: PostgreSQL JDBC with {@code prepareThreshold=1} (every statement a named server-side statement
 * from its first use), 50 threads on 5 server connections in transaction mode, 200 distinct statements of three
 * shapes (one column, two columns, a row set). Every value and every column label must be the one that statement
 * produces for those parameters; a statement remapped to the wrong server-side statement, a stale RowDescription or
 * another client's rows would show. Run with the default max_prepared_statements (200, the whole working set fits)
 * and with 20 (LRU eviction and re-preparation all the time), the latter also with pgjdbc's own cache at 64 so that
 * pgjdbc Closes statements too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class PreparedJdbcIT {
    private static final int THREADS = 50;
    private static final int POOL_SIZE = 5;
    private static final int STATEMENTS = 200;
    private static final int ITERATIONS = 120;

    private PostgresNode postgres;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_jdbc");
        postgres.execute("create database it_tx_jdbc");
    }

    @ParameterizedTest(name = "max_prepared_statements={0}, pgjdbc cache={1}")
    @CsvSource({"200, 256", "20, 64"})
    void fiftyThreadsOnFiveServersGetTheirOwnResults(int maxPrepared, int driverCache) throws Exception {
        try (TidepoolFixture pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_jdbc")
                .set("pool_mode", "transaction").set("default_pool_size", POOL_SIZE).set("max_client_conn", 100)
                .set("max_prepared_statements", maxPrepared).set("client_login_timeout", 10)
                .set("log_connections", 0).set("log_disconnections", 0)
                .start()) {
            String url = pooler.target("app").jdbcUrl();
            Properties props = new Properties();
            props.setProperty("user", "postgres");
            props.setProperty("sslmode", "disable");
            props.setProperty("prepareThreshold", "1");
            props.setProperty("preparedStatementCacheQueries", Integer.toString(driverCache));
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            AtomicLong executions = new AtomicLong();
            long start = System.nanoTime();
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int seed = t;
                    done.add(threads.submit(() -> {
                        runClient(url, props, seed, wrong, executions);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                threads.shutdownNow();
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            int serverSide = serverSideStatements(url, props);
            System.out.printf("JDBC prepareThreshold=1, %d threads on pool %d, %d statements, "
                            + "max_prepared_statements %d, pgjdbc cache %d: %d executions in %d ms, %d wrong; "
                            + "statements on one server afterwards %d; servers %s%n", THREADS, POOL_SIZE, STATEMENTS,
                    maxPrepared, driverCache, executions.get(), millis, wrong.size(), serverSide, pooler.servers());
            assertThat(wrong).as("wrong results or errors").isEmpty();
            assertThat(executions.get()).isEqualTo((long) THREADS * ITERATIONS);
            assertThat(serverSide).as("prepared statements on a server connection (max_prepared_statements)")
                    .isLessThanOrEqualTo(maxPrepared);
            assertThat(pooler.serverSlots()).isLessThanOrEqualTo(POOL_SIZE);
        }
    }

    private static void runClient(String url, Properties props, int seed, ConcurrentLinkedQueue<String> wrong,
            AtomicLong executions) {
        SplittableRandom random = new SplittableRandom(seed);
        try (Connection c = DriverManager.getConnection(url, props)) {
            for (int i = 0; i < ITERATIONS && wrong.size() < 20; i++) {
                boolean inTransaction = i % 10 == 9;
                if (inTransaction) {
                    c.setAutoCommit(false);
                }
                int k = random.nextInt(STATEMENTS);
                int p = random.nextInt(1, 50);
                check(c, k, p, wrong);
                if (inTransaction) {
                    check(c, (k + 7) % STATEMENTS, p + 1, wrong);
                    c.commit();
                    c.setAutoCommit(true);
                }
                executions.incrementAndGet();
            }
        } catch (SQLException e) {
            wrong.add("client " + seed + ": " + e.getSQLState() + " " + e.getMessage());
        }
    }

    /** Statement {@code k} in one of three shapes, checked value by value and label by label. */
    private static void check(Connection c, int k, int p, ConcurrentLinkedQueue<String> wrong) throws SQLException {
        switch (k % 3) {
            case 0 -> {
                try (PreparedStatement s = c.prepareStatement("select ?::int + " + k + " as a_" + k)) {
                    s.setInt(1, p);
                    try (ResultSet rs = s.executeQuery()) {
                        expectLabels(rs, k, wrong, "a_" + k);
                        rs.next();
                        expect(k, rs.getInt(1), p + k, wrong);
                    }
                }
            }
            case 1 -> {
                try (PreparedStatement s = c.prepareStatement("select ?::int * " + k + " as b_" + k + ", ?::text || '-"
                        + k + "' as t_" + k)) {
                    s.setInt(1, p);
                    s.setString(2, "v" + p);
                    try (ResultSet rs = s.executeQuery()) {
                        expectLabels(rs, k, wrong, "b_" + k, "t_" + k);
                        rs.next();
                        expect(k, rs.getInt(1), p * k, wrong);
                        if (!rs.getString(2).equals("v" + p + "-" + k)) {
                            wrong.add("statement " + k + ": got " + rs.getString(2));
                        }
                    }
                }
            }
            default -> {
                try (PreparedStatement s = c.prepareStatement("select g + " + k + " as c_" + k
                        + " from generate_series(1, ?::int) g order by g")) {
                    s.setInt(1, p % 7 + 1);
                    try (ResultSet rs = s.executeQuery()) {
                        expectLabels(rs, k, wrong, "c_" + k);
                        int rows = 0;
                        while (rs.next()) {
                            rows++;
                            expect(k, rs.getInt(1), rows + k, wrong);
                        }
                        expect(k, rows, p % 7 + 1, wrong);
                    }
                }
            }
        }
    }

    private static void expectLabels(ResultSet rs, int k, ConcurrentLinkedQueue<String> wrong, String... labels)
            throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        if (meta.getColumnCount() != labels.length) {
            wrong.add("statement " + k + ": " + meta.getColumnCount() + " columns");
            return;
        }
        for (int i = 0; i < labels.length; i++) {
            if (!meta.getColumnLabel(i + 1).equals(labels[i])) {
                wrong.add("statement " + k + ": column " + meta.getColumnLabel(i + 1) + " (expected " + labels[i]
                        + ")");
            }
        }
    }

    private static void expect(int k, int got, int expected, ConcurrentLinkedQueue<String> wrong) {
        if (got != expected) {
            wrong.add("statement " + k + ": got " + got + ", expected " + expected);
        }
    }

    /** pg_prepared_statements of whichever server connection this query lands on (all are bounded alike). */
    private static int serverSideStatements(String url, Properties props) throws SQLException {
        Properties simple = new Properties();
        simple.putAll(props);
        simple.setProperty("preferQueryMode", "simple");
        try (Connection c = DriverManager.getConnection(url, simple); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_prepared_statements")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
