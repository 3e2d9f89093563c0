package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static io.tidepool.pooler.it.tx.TxClients.login;
import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Issue 3, statement pooling: a transaction block is refused with PgBouncer's error (0A000 "transaction blocks not
 * allowed in statement pooling mode") and the connection closed, and the server it ran on is not reused half-way
 * into a transaction; single statements work over the simple and the extended protocol, two clients on one server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class StatementModeIT {
    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_stmt");
        postgres.execute("create database it_tx_stmt");
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_stmt").set("pool_mode", "statement")
                .set("default_pool_size", 1).start();
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void beginIsRefusedWithAClearError() {
        try (RawClient a = login(pooler, "app"); RawClient b = login(pooler, "app")) {
            a.send(Ext.query("BEGIN"));
            RawClient.Outcome outcome = a.untilClosed(Duration.ofSeconds(10));
            System.out.println("statement mode, BEGIN: " + outcome);
            assertThat(outcome.closed()).as("connection closed").isTrue();
            assertThat(outcome.sqlState()).isEqualTo("0A000");
            assertThat(outcome.errorMessage()).isEqualTo("transaction blocks not allowed in statement pooling mode");
            assertThat(value(b, "SELECT current_setting('transaction_isolation') || ' ' || "
                    + "coalesce(txid_current_if_assigned()::text, 'none') || ' ' || (now() = statement_timestamp())"))
                    .as("B runs outside A's transaction").endsWith("none true");
        }
    }

    @Test
    void jdbcTransactionIsRefusedAutocommitWorks() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("sslmode", "disable");
        props.setProperty("prepareThreshold", "1");
        try (Connection c = DriverManager.getConnection(pooler.target("app").jdbcUrl(), props)) {
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement s = c.prepareStatement("SELECT ?::int * 2")) {
                    s.setInt(1, i);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(2 * i);
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                assertThat(s.execute("SELECT 1; SELECT 2")).as("two statements in one Query").isTrue();
                assertThat(s.getMoreResults()).isTrue();
            }
            c.setAutoCommit(false);
            SQLException refused = catchThrowableOfType(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1").close();
                }
            });
            System.out.println("statement mode, JDBC autocommit off: " + (refused == null ? "not refused"
                    : refused.getSQLState() + " " + refused.getMessage()));
            assertThat((Object) refused).as("a transaction through JDBC is refused").isNotNull();
            assertThat(refused.getSQLState()).isEqualTo("0A000");
        }
    }

    @Test
    void extendedProtocolSingleStatementsFromTwoClientsShareOneServer() {
        try (RawClient a = login(pooler, "app"); RawClient b = login(pooler, "app")) {
            for (int i = 0; i < 20; i++) {
                RawClient c = i % 2 == 0 ? a : b;
                String name = i % 2 == 0 ? "sa" : "sb";
                byte[] parse = i < 2 ? Ext.parse(name, "SELECT $1::int + " + (i % 2)) : new byte[0];
                c.send(RawClient.concat(parse, Ext.bind("", name, Integer.toString(i)), Ext.execute("", 0),
                        Ext.sync()));
                var replies = Ext.untilReadies(c, 1);
                assertThat(Ext.firstColumns(replies)).as("round %d", i).containsExactly(Integer.toString(i + i % 2));
                assertThat(Ext.status(replies.getLast())).isEqualTo('I');
            }
        }
    }
}
