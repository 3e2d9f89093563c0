package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresLogOnFailure.class)
class SharedPostgresIT {

    @Test
    void isStartedOnceWithOneStreamingStandby() {
        PostgresCluster cluster = SharedPostgres.get();
        assertThat(SharedPostgres.get()).isSameAs(cluster);
        assertThat(SharedPostgres.primary()).isSameAs(cluster.primary());
        assertThat(cluster.standbys()).hasSize(1);
        assertThat(cluster.standbys().getFirst().isInRecovery()).isTrue();
    }

    @Test
    void pgbenchInitialisesAndRunsASelectOnlyBenchmark() {
        PostgresCluster cluster = SharedPostgres.get();
        cluster.createDatabase("testkit_pgbench");
        PgTarget target = cluster.primary().target().withDatabase("testkit_pgbench");

        Pgbench.initialize(target, 1);
        assertThat(Psql.query(target, "select count(*) from pgbench_accounts")).isEqualTo("100000");
        PgbenchSummary summary = Pgbench.benchmark(target, "-S", "-T", "5", "-c", "2");
        System.out.println("pgbench -S -T 5 -c 2 direct: " + summary);
        assertThat(summary.tps()).isPositive();
        assertThat(summary.transactionsProcessed()).isPositive();
        assertThat(summary.failedTransactions()).isZero();
        assertThat(summary.latencyAverageMs()).isPositive();

        ProcessResult badArgs = Pgbench.run(target, "--no-such-option");
        assertThat(badArgs.exitCode()).isNotZero();
        assertThat(badArgs.stderr()).contains("no-such-option");
    }
}
