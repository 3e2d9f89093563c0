package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.Pgbench;
import io.tidepool.testkit.PgbenchSummary;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.ProcessResult;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3 acceptance: pgbench tpcb-like through Tidepool in transaction mode with {@code -M simple}, {@code extended}
 * and {@code prepared}, 200 clients onto 20 server connections (scale 10 so that the clients do not all fight over the
 * ten branch rows). Zero failed transactions, and afterwards sum(abalance) = sum(bbalance) = sum(tbalance) =
 * sum(history.delta): a transaction whose statements went to two server connections, or a result delivered to the
 * wrong client, would break one of those.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class TransactionPgbenchIT {
    private static final int CLIENTS = 200;
    private static final int POOL_SIZE = 20;
    private static final int SECONDS = 8;

    private PostgresNode postgres;
    private TidepoolFixture pooler;
    private PgTarget target;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_pgbench");
        postgres.execute("create database it_tx_pgbench");
        Pgbench.initialize(postgres.target(PostgresNode.SUPERUSER, "it_tx_pgbench"), 10);
        pooler = TidepoolFixture.builder(postgres).database("bench", "it_tx_pgbench")
                .set("pool_mode", "transaction").set("default_pool_size", POOL_SIZE).set("max_client_conn", 250)
                .set("log_connections", 0).set("log_disconnections", 0).start();
        target = pooler.target("bench");
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @ParameterizedTest(name = "-M {0}")
    @ValueSource(strings = {"simple", "extended", "prepared"})
    void twoHundredClientsOntoTwentyServersBalancesAddUp(String mode) {
        // -n: no vacuum, so pgbench_history is not truncated and its deltas add up with the cumulative balances.
        ProcessResult run = Pgbench.run(target, Duration.ofMinutes(2), "-M", mode, "-c", Integer.toString(CLIENTS),
                "-j", "4", "-T", Integer.toString(SECONDS), "-n", "--max-tries=1");
        assertThat(run.exitCode()).as("pgbench exit code; stderr:\n%s", tail(run.stderr())).isZero();
        PgbenchSummary summary = PgbenchSummary.parse(run.stdout());
        System.out.printf("pgbench tpcb-like -M %s -c %d -j 4 -T %d through Tidepool (transaction mode, pool %d): "
                        + "tps %.1f, latency avg %.2f ms, processed %d, failed %d; server slots %d%n", mode, CLIENTS,
                SECONDS, POOL_SIZE, summary.tps(), summary.latencyAverageMs(), summary.transactionsProcessed(),
                summary.failedTransactions(), pooler.serverSlots());
        assertThat(summary.failedTransactions()).as("failed transactions").isZero();
        assertThat(summary.transactionsProcessed()).as("transactions processed").isPositive();
        assertThat(pooler.serverSlots()).as("server connections never exceed pool_size").isLessThanOrEqualTo(POOL_SIZE);
        String sums = sumsIn();
        System.out.println("balances (accounts branches tellers history.delta history.count): " + sums);
        String[] parts = sums.split(" ");
        assertThat(parts[0]).as("sum(abalance) = sum(bbalance)").isEqualTo(parts[1]);
        assertThat(parts[1]).as("sum(bbalance) = sum(tbalance)").isEqualTo(parts[2]);
        assertThat(parts[2]).as("sum(tbalance) = sum(history.delta)").isEqualTo(parts[3]);
    }

    private String sumsIn() {
        try (var c = postgres.connect(PostgresNode.SUPERUSER, "it_tx_pgbench"); var s = c.createStatement();
                var rs = s.executeQuery("select (select sum(abalance) from pgbench_accounts), "
                        + "(select sum(bbalance) from pgbench_branches), (select sum(tbalance) from pgbench_tellers), "
                        + "(select coalesce(sum(delta), 0) from pgbench_history), "
                        + "(select count(*) from pgbench_history)")) {
            rs.next();
            return rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getLong(4) + " "
                    + rs.getLong(5);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
