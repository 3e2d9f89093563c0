package io.tidepool.pooler.it;

import io.tidepool.testkit.PgTarget;
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

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL JDBC (pgjdbc) through Tidepool in session mode (issue 2 acceptance): plain queries, server-side prepared
 * statements ({@code prepareThreshold=1}), batches with and without {@code reWriteBatchedInserts}, and a
 * one-million-row result read with a fetch size (portal suspension through the pooler).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class JdbcIT {
    private PostgresNode postgres;
    private TidepoolFixture pooler;
    private PgTarget target;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_jdbc");
        postgres.execute("create database it_jdbc");
        pooler = TidepoolFixture.builder(postgres).database("app", "it_jdbc").start();
        target = pooler.target("app");
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    private Connection connect(String... properties) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        for (int i = 0; i + 1 < properties.length; i += 2) {
            props.setProperty(properties[i], properties[i + 1]);
        }
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }

    @Test
    void queriesUpdatesAndTransactions() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("create temp table q(id int primary key, v text)");
            assertThat(s.executeUpdate("insert into q select g, 'v' || g from generate_series(1, 100) g"))
                    .isEqualTo(100);
            c.setAutoCommit(false);
            assertThat(s.executeUpdate("update q set v = 'w' where id <= 10")).isEqualTo(10);
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = s.executeQuery("select count(*) filter (where v = 'w'), count(*), "
                    + "current_setting('server_version_num')::int >= 150000 from q")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("rolled back").isZero();
                assertThat(rs.getInt(2)).isEqualTo(100);
                assertThat(rs.getBoolean(3)).isTrue();
            }
        }
    }

    @Test
    void serverSidePreparedStatements() throws Exception {
        try (Connection c = connect("prepareThreshold", "1");
             PreparedStatement ps = c.prepareStatement("select ?::int * 2, pg_backend_pid()")) {
            int pid = -1;
            for (int i = 1; i <= 5; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(2 * i);
                    pid = pid == -1 ? rs.getInt(2) : pid;
                    assertThat(rs.getInt(2)).as("same server for the whole session").isEqualTo(pid);
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from pg_prepared_statements "
                         + "where not from_sql and statement like 'select $1::int * 2%'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("named server-side statement (S_n) exists").isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void batches(boolean rewrite) throws Exception {
        try (Connection c = connect("reWriteBatchedInserts", Boolean.toString(rewrite))) {
            try (Statement s = c.createStatement()) {
                s.execute("create temp table b(id int, v text)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into b values (?, ?)")) {
                for (int i = 0; i < 5000; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row " + i);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                assertThat(counts).hasSize(5000);
            }
            c.commit();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*), sum(id) from b")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(5000);
                assertThat(rs.getLong(2)).isEqualTo(4999L * 5000 / 2);
            }
        }
    }

    @Test
    void millionRowsWithFetchSize() throws Exception {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            long rows = 0;
            long sum = 0;
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery("select g, md5(g::text) from generate_series(1, 1000000) g")) {
                    while (rs.next()) {
                        rows++;
                        sum += rs.getLong(1);
                        if (rs.getString(2).length() != 32) {
                            throw new AssertionError("bad row " + rows);
                        }
                    }
                }
            }
            c.commit();
            System.out.printf("JDBC: 1,000,000 rows with fetch size 1000 in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(rows).isEqualTo(1_000_000);
            assertThat(sum).isEqualTo(1_000_000L * 1_000_001 / 2);
        }
    }

    /**
     * A server idle longer than server_check_delay is checked before it is linked, in the same round trip as the
     * parameter sync a JDBC client needs (DateStyle etc.): with the default server_check_query ({@code <empty>}, "an
     * empty query") the login must still succeed. server_check_delay = 0 makes every link a checked one.
     */
    @Test
    void serverCheckWithParameterSyncOnEveryLink() throws Exception {
        try (TidepoolFixture checked = TidepoolFixture.builder(postgres).database("app", "it_jdbc")
                .set("server_check_delay", 0).start()) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = DriverManager.getConnection(checked.target("app").jdbcUrl(), "postgres", "");
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show DateStyle")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).startsWith("ISO");
                }
            }
        }
    }
}
