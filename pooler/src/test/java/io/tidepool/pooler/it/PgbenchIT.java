package io.tidepool.pooler.it;

import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.Pgbench;
import io.tidepool.testkit.PgbenchSummary;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.Psql;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pgbench through Tidepool in session mode with a new connection per transaction ({@code -C}): 50 clients onto
 * default_pool_size 10, so clients queue for servers at every transaction (issue 2 acceptance). Every transaction
 * must complete, and the TPC-B-like balances must add up afterwards.
 */
@ExtendWith(PostgresLogOnFailure.class)
class PgbenchIT {
    private static final int CLIENTS = 50;
    private static final int TRANSACTIONS_PER_CLIENT = 20;

    @Test
    void fiftyClientsWithReconnectOntoPoolSizeTen() {
        PostgresNode postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_pgbench");
        postgres.execute("create database it_pgbench");
        try (TidepoolFixture pooler = TidepoolFixture.builder(postgres).database("bench", "it_pgbench")
                .set("default_pool_size", 10).set("max_client_conn", 200).start()) {
            PgTarget target = pooler.target("bench");
            Pgbench.initialize(target, 1);
            PgbenchSummary summary = Pgbench.benchmark(target, Duration.ofMinutes(4), "-C", "-c",
                    Integer.toString(CLIENTS), "-j", "2", "-t", Integer.toString(TRANSACTIONS_PER_CLIENT));
            System.out.printf("pgbench -C -c %d -t %d through Tidepool (pool_size 10): tps %.1f, latency %.2f ms, "
                            + "processed %d, failed %d; servers now %s%n", CLIENTS, TRANSACTIONS_PER_CLIENT,
                    summary.tps(), summary.latencyAverageMs(), summary.transactionsProcessed(),
                    summary.failedTransactions(), pooler.servers());
            assertThat(summary.failedTransactions()).isZero();
            assertThat(summary.transactionsProcessed()).isEqualTo((long) CLIENTS * TRANSACTIONS_PER_CLIENT);
            assertThat(pooler.serverSlots()).as("server connections never exceed pool_size").isLessThanOrEqualTo(10);
            String sums = Psql.query(target, "select (select sum(abalance) from pgbench_accounts) || ' ' || "
                    + "(select sum(bbalance) from pgbench_branches) || ' ' || "
                    + "(select sum(tbalance) from pgbench_tellers) || ' ' || (select count(*) from pgbench_history)");
            String[] parts = sums.split(" ");
            System.out.println("balances (accounts branches tellers history): " + sums);
            assertThat(parts[0]).isEqualTo(parts[1]).isEqualTo(parts[2]);
            assertThat(Long.parseLong(parts[3])).isEqualTo((long) CLIENTS * TRANSACTIONS_PER_CLIENT);
        }
    }
}
