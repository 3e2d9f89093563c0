package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.testkit.Pgbench;
import io.tidepool.testkit.PgbenchSummary;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.ProcessResult;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One pool's server slots shared by two event loops (event_loops = 2): each loop keeps its own servers (DESIGN), so a
 * slot moves between loops by closing a server on one and opening one on the other. That must happen when one loop's
 * clients starve, and not otherwise: before the loops shared by client count and waited for a server to be idle for a
 * while, pgbench -c 50 onto a pool of 20 closed and reopened four backends a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class EventLoopSharingIT {
    private static final String MOVED = "so that another event loop can open one";
    private static final int POOL_SIZE = 4;

    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_loops");
        postgres.execute("create database it_tx_loops");
        Pgbench.initialize(postgres.target(PostgresNode.SUPERUSER, "it_tx_loops"), 1);
        pooler = TidepoolFixture.builder(postgres).database("loops", "it_tx_loops").set("event_loops", 2)
                .set("pool_mode", "transaction").set("default_pool_size", POOL_SIZE)
                .set("log_connections", 0).set("log_disconnections", 0).start();
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void steadyLoadOnBothLoopsMovesNoServer() {
        // Warm up: the first clients may all land on one loop's servers; the share settles within a second.
        Pgbench.run(pooler.target("loops"), "-S", "-c", "16", "-j", "2", "-T", "2", "-n");
        int movedBefore = pooler.logs().linesWith(MOVED).size();
        ProcessResult run = Pgbench.run(pooler.target("loops"), "-S", "-c", "16", "-j", "2", "-T", "5", "-n");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        PgbenchSummary summary = PgbenchSummary.parse(run.stdout());
        int moved = pooler.logs().linesWith(MOVED).size() - movedBefore;
        System.out.printf("pgbench -S -c 16 onto pool %d over 2 event loops: %.0f tps, %d servers moved between loops%n",
                POOL_SIZE, summary.tps(), moved);
        assertThat(summary.failedTransactions()).isZero();
        // 16 clients spread 8/8 over two loops share 4 servers 2/2. While pgbench connects and disconnects, the loops'
        // client counts (and so their shares) change and each server may move once each way: at most 2 x pool_size.
        // Churn moves servers all the time: 26 in these 5 s before the loops shared by client count.
        assertThat(moved).as("servers closed for the other loop").isLessThanOrEqualTo(2 * POOL_SIZE);
        assertThat(pooler.serverSlots()).isLessThanOrEqualTo(POOL_SIZE);
    }

    @Test
    void aClientAloneOnTheOtherLoopGetsTheOnlyServer() throws Exception {
        try (TidepoolFixture single = TidepoolFixture.builder(postgres).database("loops", "it_tx_loops")
                .set("event_loops", 2).set("pool_mode", "transaction").set("default_pool_size", 1)
                .set("query_wait_timeout", 5).start()) {
            RawClient a = TxClients.login(single, "loops");
            Pool home = TxClients.poolOf(single, a);
            List<RawClient> sameLoop = new ArrayList<>();
            RawClient b = null;
            for (int i = 0; i < 16 && b == null; i++) {
                RawClient candidate = TxClients.login(single, "loops");
                if (TxClients.poolOf(single, candidate) != home) {
                    b = candidate;
                } else {
                    sameLoop.add(candidate);
                }
            }
            assertThat(b).as("a client on the second event loop").isNotNull();
            try {
                for (int round = 0; round < 5; round++) {
                    // A holds the only server in an open transaction; B (other loop) waits until A commits.
                    assertThat(TxClients.value(a, "BEGIN; SELECT 'a' || " + round)).isEqualTo("a" + round);
                    b.send(Ext.query("SELECT 'b' || " + round));
                    Thread.sleep(50);
                    assertThat(TxClients.value(a, "COMMIT; SELECT 'a-done'")).isEqualTo("a-done");
                    assertThat(Ext.firstColumns(b.untilReady(Duration.ofSeconds(30)))).containsExactly("b" + round);
                }
            } finally {
                b.close();
                a.close();
                sameLoop.forEach(RawClient::close);
            }
            assertThat(single.serverSlots()).isLessThanOrEqualTo(1);
        }
    }
}
