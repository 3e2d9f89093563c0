package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresLogOnFailure.class)
class PostgresClusterIT {

    @Test
    void standbysReplicateAndAPromotedStandbyTakesWritesAfterThePrimaryCrashes() {
        long started = System.nanoTime();
        try (var cluster = PostgresCluster.builder().standbys(2).maxConnections(300).start()) {
            System.out.printf("primary + 2 standbys started in %d ms%n",
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            PostgresNode primary = cluster.primary();
            assertThat(cluster.nodes()).containsExactly(primary, cluster.standbys().get(0), cluster.standbys().get(1));
            assertThat(primary.isInRecovery()).isFalse();
            assertThat(primary.queryString("show max_connections")).isEqualTo("300");
            assertThat(primary.queryString("select count(*) from pg_stat_replication where state = 'streaming'"))
                    .isEqualTo("2");
            for (PostgresNode standby : cluster.standbys()) {
                assertThat(standby.isInRecovery()).as(standby.name()).isTrue();
                assertThat(standby.port()).isNotEqualTo(primary.port());
            }

            primary.execute("create table t(i int); insert into t select generate_series(1, 1000)");
            cluster.waitForReplication();
            for (PostgresNode standby : cluster.standbys()) {
                assertThat(standby.queryString("select sum(i) from t")).as(standby.name()).isEqualTo("500500");
            }

            primary.kill9();
            assertThat(primary.isRunning()).isFalse();
            assertThatThrownBy(primary::connect).isInstanceOf(SQLException.class);
            PostgresNode promoted = cluster.standbys().getFirst();
            promoted.promote();
            assertThat(promoted.isInRecovery()).isFalse();
            promoted.execute("insert into t values (1001)");
            assertThat(promoted.queryString("select count(*) from t")).isEqualTo("1001");
            // The other standby follows the promoted one and receives its writes.
            PostgresNode other = cluster.standbys().get(1);
            other.follow(promoted);
            other.waitUntilReplayed(promoted, Duration.ofSeconds(30));
            assertThat(other.isInRecovery()).isTrue();
            assertThat(other.queryString("select count(*) from t")).isEqualTo("1001");

            primary.start();   // crash recovery of the old primary on its old port
            assertThat(primary.queryString("select count(*) from t")).isEqualTo("1000");
        }
    }

    @Test
    void nodeLifecycleConfigurationAndClients() throws Exception {
        try (var cluster = PostgresCluster.builder().setting("work_mem", "7MB").start()) {
            PostgresNode node = cluster.primary();
            assertThat(node.host()).isEqualTo("127.0.0.1");
            assertThat(node.queryString("show work_mem")).isEqualTo("7MB");
            assertThat(node.queryString("show unix_socket_directories")).isEqualTo(node.socketDir().toString());
            assertThat(node.queryString("show fsync")).isEqualTo("off");
            assertThat(Files.exists(node.socketDir().resolve(".s.PGSQL." + node.port()))).isTrue();

            ProcessResult psql = node.psql("-Atc", "select 40 + 2");
            assertThat(psql.exitCode()).as(psql.describe()).isZero();
            assertThat(psql.stdout()).isEqualTo("42\n");
            ProcessResult failing = node.psql("-c", "select * from no_such_table");
            assertThat(failing.exitCode()).isEqualTo(1);
            assertThat(failing.stderr()).contains("relation \"no_such_table\" does not exist");

            cluster.createUser("alice", "s3cret'\"");
            cluster.createDatabase("app", "alice");
            try (Connection alice = node.connect("alice", "app")) {
                assertThat(alice.getMetaData().getUserName()).isEqualTo("alice");
            }
            assertThat(node.logTail(200)).contains("connection authorized: user=alice database=app");

            // A password is required after a pg_hba.conf change and reload, and no longer after resetConfig().
            node.writeHba("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n");
            node.reload();
            assertThatThrownBy(() -> node.connect("alice", "app").close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            try (Connection alice = node.connect("alice", "app", "s3cret'\"")) {
                assertThat(alice.isValid(5)).isTrue();
            }
            node.resetConfig();
            node.connect("alice", "app").close();

            // appendConf + restart changes a postmaster-level setting; stop/start keep the port.
            int port = node.port();
            node.appendConf("max_connections = 42");
            node.restart(StopMode.FAST);
            assertThat(node.queryString("show max_connections")).isEqualTo("42");
            node.stop();
            assertThat(node.isRunning()).isFalse();
            assertThatThrownBy(node::connect).isInstanceOf(SQLException.class);
            node.start();
            assertThat(node.port()).isEqualTo(port);
            assertThat(node.queryString("select 1")).isEqualTo("1");
            assertThat(node.logTail(500)).contains("database system is shut down", "database system is ready");
        }
    }

    @Test
    void closeStopsEveryServerAndDeletesTheDirectory() {
        var cluster = PostgresCluster.builder().standbys(1).start();
        var directory = cluster.directory();
        var postmasters = cluster.nodes().stream().map(PostgresNode::port).toList();
        cluster.close();
        cluster.close();   // idempotent
        assertThat(cluster.isClosed()).isTrue();
        assertThat(Files.exists(directory)).isFalse();
        for (int port : postmasters) {
            assertThat(PortAllocator.isListening(port)).as("port %d", port).isFalse();
        }
    }
}
