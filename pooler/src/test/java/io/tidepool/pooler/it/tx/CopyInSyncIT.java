package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.tx.TxClients.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * COPY FROM STDIN through the extended protocol with a Sync or Flush sent right after the Execute, as drivers that
 * do not look at the statement do (tokio-postgres sends Bind, Execute, Sync, then the data): PostgreSQL ignores a
 * Sync or Flush that arrives during copy-in (protocol-flow.html#PROTOCOL-COPY), so only the Sync after the data gets
 * a ReadyForQuery. The pooler must count the same, or the client keeps its server for good in transaction mode; and
 * a pipeline barrier must not hold the copy data back waiting for a ReadyForQuery that needs the data first.
 *
 * <p>Each scenario runs directly against PostgreSQL and through Tidepool (pool of one server, shared with a second
 * client), and the replies must be the same; then the second client gets the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class CopyInSyncIT {
    private static final Duration QUICK = Duration.ofSeconds(5);

    private PostgresNode postgres;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_copy");
        postgres.execute("create database it_tx_copy");
        try (RawClient c = TxClients.login(postgres.host(), postgres.port(), "it_tx_copy")) {
            value(c, "CREATE TABLE t(i int)");
        }
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_copy").set("pool_mode", "transaction")
                .set("default_pool_size", 1).start();
    }

    @AfterAll
    void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Sync after Execute", "Flush after Execute", "CopyFail after a Sync",
            "two Syncs during copy-in", "everything in one write, named statement"})
    void copyInWithSyncsDuringCopyAnswersAsPostgresAndFreesTheServer(String scenario) {
        List<String> direct;
        try (RawClient c = TxClients.login(postgres.host(), postgres.port(), "it_tx_copy")) {
            direct = run(scenario, c);
        }
        System.out.println("COPY IN, " + scenario + ": PostgreSQL answers " + direct);
        try (TxClients.Pair pair = TxClients.pair(pooler, "app")) {
            List<String> pooled = run(scenario, pair.a());
            assertThat(pooled).as("replies through the pooler").isEqualTo(direct);
            assertThat(value(pair.b(), "SELECT 'b'")).as("the other client gets the only server").isEqualTo("b");
            assertThat(value(pair.a(), "SELECT 'a again'")).isEqualTo("a again");
        }
    }

    /** The replies to each step of {@code scenario}, as summaries ("12G", "CZ"). */
    private static List<String> run(String scenario, RawClient c) {
        byte[] copy = concat(Ext.parse("", "COPY t FROM STDIN"), Ext.bind("", ""), Ext.execute("", 0));
        byte[] data = RawClient.message('d', "1\n2\n".getBytes(StandardCharsets.US_ASCII));
        byte[] done = RawClient.message('c', new byte[0]);
        byte[] fail = RawClient.message('f', "client gave up\0".getBytes(StandardCharsets.US_ASCII));
        List<String> steps = new ArrayList<>();
        switch (scenario) {
            case "Sync after Execute" -> {
                c.send(copy, Ext.sync());
                steps.add(Ext.summary(Ext.take(c, 3)));
                c.send(data, done, Ext.sync());
                steps.add(Ext.summary(Ext.untilReadies(c, 1, QUICK)));
            }
            case "Flush after Execute" -> {
                c.send(copy, Ext.flush());
                steps.add(Ext.summary(Ext.take(c, 3)));
                c.send(data, done, Ext.sync());
                steps.add(Ext.summary(Ext.untilReadies(c, 1, QUICK)));
            }
            case "CopyFail after a Sync" -> {
                c.send(copy, Ext.sync());
                steps.add(Ext.summary(Ext.take(c, 3)));
                c.send(data, fail, Ext.sync());
                steps.add(Ext.summary(Ext.untilReadies(c, 1, QUICK)));
            }
            case "two Syncs during copy-in" -> {
                c.send(copy, Ext.sync());
                steps.add(Ext.summary(Ext.take(c, 3)));
                c.send(data, Ext.sync(), data, done, Ext.sync());
                steps.add(Ext.summary(Ext.untilReadies(c, 1, QUICK)));
            }
            case "everything in one write, named statement" -> {
                c.send(Ext.parse("cp", "COPY t FROM STDIN"), Ext.bind("", "cp"), Ext.execute("", 0), Ext.sync(),
                        data, done, Ext.sync(), Ext.closeStatement("cp"), Ext.sync());
                steps.add(Ext.summary(Ext.untilReadies(c, 1, QUICK)));
                steps.add(Ext.summary(Ext.untilReadies(c, 1, QUICK)));
            }
            default -> throw new IllegalArgumentException(scenario);
        }
        steps.add(Ext.summary(c.query("SELECT 'after'")));
        return steps;
    }
}
