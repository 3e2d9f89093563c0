package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresLogOnFailure.class)
class PostgresClusterIT {

    @Test
    void primaryWithTwoStandbysReplicatesAndSurvivesFailover() {
        long started = System.nanoTime();
        try (var cluster = PostgresCluster.builder().standbys(2).maxConnections(300).start()) {
            System.out.printf("cluster of 3 started in %d ms%n", Duration.ofNanos(System.nanoTime() - started).toMillis());
            PostgresNode primary = cluster.primary();
            assertThat(primary.isInRecovery()).isFalse();
            assertThat(primary.queryString("show max_connections")).isEqualTo("300");
            assertThat(cluster.standbys()).hasSize(2).allSatisfy(s -> assertThat(s.isInRecovery()).isTrue());

            primary.execute("create table t(i int); insert into t select generate_series(1, 1000)");
            cluster.waitForReplication();
            for (PostgresNode standby : cluster.standbys()) {
                assertThat(standby.queryString("select sum(i) from t")).isEqualTo("500500");
            }

            primary.kill9();
            assertThat(primary.isRunning()).isFalse();
            PostgresNode standby = cluster.standbys().getFirst();
            standby.promote();
            standby.execute("insert into t values (1001)");
            assertThat(standby.queryString("select count(*) from t")).isEqualTo("1001");
            List<PostgresNode> nodes = cluster.nodes();
            assertThat(nodes).containsExactly(primary, cluster.standbys().get(0), cluster.standbys().get(1));
        }
    }
}
