package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static io.tidepool.pooler.it.RawClient.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Between transactions a client's Parse of a statement the pool already knows, its Close, and the Sync after them
 * are answered by the pooler (transaction mode with statement tracking), even when they arrive in one write with
 * other messages: proven by answering while the pool's only server is busy in another client's transaction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class LocalAnswersIT {
    private static final Duration QUICK = Duration.ofSeconds(3);

    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_local");
        postgres.execute("create database it_tx_local");
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_local").set("pool_mode", "transaction")
                .set("default_pool_size", 1).start();
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void knownParseCloseAndSyncInOneWriteAreAnsweredWithoutAServer() {
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            RawClient a = pair.a();
            RawClient b = pair.b();
            a.send(Ext.parse("s_known", "SELECT 'known'"), Ext.sync());
            assertThat(Ext.summary(Ext.untilReadies(a, 1, QUICK))).as("the pool learns the statement").isEqualTo("1Z");
            assertThat(Ext.status(a.query("BEGIN").getLast())).as("A holds the only server").isEqualTo('T');

            b.send(concat(Ext.parse("mine", "SELECT 'known'"), Ext.closeStatement("old"), Ext.sync()));
            assertThat(Ext.summary(Ext.untilReadies(b, 1, QUICK))).as("answered by the pooler").isEqualTo("13Z");

            a.query("COMMIT");
            b.send(concat(Ext.bind("", "mine"), Ext.execute("", 0), Ext.sync()));
            List<Message> rows = Ext.untilReadies(b, 1, QUICK);
            assertThat(Ext.summary(rows)).isEqualTo("2DCZ");
            assertThat(Ext.firstColumns(rows)).containsExactly("known");
        }
    }
}
