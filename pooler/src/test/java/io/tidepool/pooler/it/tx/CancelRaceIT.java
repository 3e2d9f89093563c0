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

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RELIABILITY cases 72 and 73 (PgBouncer #717, #141) with a transaction-mode pool of one server connection, so the
 * backend that ran A's query is the one B uses next. 100 iterations each: A's pg_sleep is cancelled while it runs;
 * cancels for A sent while A's short query finishes (some forwarded, some too late) never cancel B's query on the same
 * backend; and A, after a cancel that raced its query's end, gets exactly its own answer to its next query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class CancelRaceIT {
    private static final int ITERATIONS = 100;
    private static final int CANCELS = 8;

    private PostgresNode postgres;
    private TidepoolFixture pooler;
    private final ExecutorService cancellers = Executors.newFixedThreadPool(CANCELS);

    /** The key Tidepool gave a client in BackendKeyData. */
    private record Key(int pid, byte[] secret) {
    }

    @BeforeAll
    void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_tx_cancel");
        postgres.execute("create database it_tx_cancel");
        pooler = TidepoolFixture.builder(postgres).database("app", "it_tx_cancel").set("pool_mode", "transaction")
                .set("default_pool_size", 1).set("log_connections", 0).set("log_disconnections", 0).start();
    }

    @AfterAll
    void stop() {
        cancellers.shutdownNow();
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void case72CancelsHitOnlyTheQueryTheyWereSentFor() throws Exception {
        RawClient a = RawClient.connect(pooler.host(), pooler.port());
        Key keyA = login(a);
        List<RawClient> extras = new ArrayList<>();
        try (a; RawClient b = sameLoopAs(a, extras)) {
            int aCancelledLate = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                a.send(Ext.query("SELECT pg_sleep(10)"));
                RawClient.sleep(Duration.ofMillis(40));
                cancel(keyA);
                List<Message> cancelled = a.untilReady(Ext.WAIT);
                assertThat(Ext.summary(cancelled)).as("A's running pg_sleep, iteration %d", i)
                        .isEqualTo("TE(57014)Z");
                // A's short query and a burst of cancels for A race its end; B queues for the same backend.
                a.send(Ext.query("SELECT 'a-" + i + "'"));
                List<Future<?>> burst = new ArrayList<>();
                for (int c = 0; c < CANCELS; c++) {
                    burst.add(cancellers.submit(() -> cancel(keyA)));
                }
                b.send(Ext.query("SELECT pg_sleep(0.05), 'b-" + i + "'"));
                List<Message> mineA = a.untilReady(Ext.WAIT);
                // A's own cancels may hit its short query, before or after its RowDescription: that is A's business.
                if (Ext.summary(mineA).equals("TE(57014)Z") || Ext.summary(mineA).equals("E(57014)Z")) {
                    aCancelledLate++;
                } else {
                    assertThat(Ext.summary(mineA)).isEqualTo("TDCZ");
                    assertThat(Ext.firstColumns(mineA)).containsExactly("a-" + i);
                }
                List<Message> mineB = b.untilReady(Ext.WAIT);
                assertThat(Ext.summary(mineB)).as("B's pg_sleep next to cancels for A, iteration %d", i)
                        .isEqualTo("TDCZ");
                assertThat(Ext.column(mineB.get(1), 1)).isEqualTo("b-" + i);
                for (Future<?> f : burst) {
                    f.get();
                }
            }
            System.out.printf("case 72: %d iterations; A's running query cancelled every time; A's short query "
                    + "cancelled by the racing burst %d times; B never cancelled%n", ITERATIONS, aCancelledLate);
        } finally {
            extras.forEach(RawClient::close);
        }
    }

    @Test
    void case73CancelRacingTheEndOfAQueryNeverDisturbsTheNextOne() throws Exception {
        RawClient a = RawClient.connect(pooler.host(), pooler.port());
        Key keyA = login(a);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger bRuns = new AtomicInteger();
        ConcurrentLinkedQueue<String> bWrong = new ConcurrentLinkedQueue<>();
        List<RawClient> extras = new ArrayList<>();
        RawClient sharing = sameLoopAs(a, extras);
        Thread bystander = Thread.ofPlatform().start(() -> {
            try (RawClient b = sharing) {
                while (running.get()) {
                    int n = bRuns.incrementAndGet();
                    List<Message> replies = b.query("SELECT pg_sleep(0.005), 'b-" + n + "'");
                    if (!Ext.summary(replies).equals("TDCZ") || !("b-" + n).equals(Ext.column(replies.get(1), 1))) {
                        bWrong.add(n + ": " + Ext.summary(replies));
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                bWrong.add(e.toString());
            }
        });
        SplittableRandom random = new SplittableRandom(73);
        int cancelled = 0;
        try (a) {
            for (int i = 0; i < ITERATIONS; i++) {
                a.send(Ext.query("SELECT pg_sleep(0.01), 'a-" + i + "'"));
                RawClient.sleep(Duration.ofMillis(random.nextInt(0, 25)));
                cancel(keyA);
                String first = Ext.summary(a.untilReady(Ext.WAIT));
                if (first.equals("TE(57014)Z")) {
                    cancelled++;
                } else {
                    assertThat(first).as("A's raced query, iteration %d", i).isEqualTo("TDCZ");
                }
                List<Message> next = a.query("SELECT 'next-" + i + "'");
                assertThat(Ext.summary(next)).as("A's next query, iteration %d", i).isEqualTo("TDCZ");
                assertThat(Ext.firstColumns(next)).containsExactly("next-" + i);
            }
        } finally {
            running.set(false);
            bystander.join(30_000);
            extras.forEach(RawClient::close);
        }
        System.out.printf("case 73: %d iterations, A's query cancelled %d times, B ran %d queries, B wrong %s%n",
                ITERATIONS, cancelled, bRuns.get(), bWrong);
        assertThat(bWrong).as("B's queries next to A's cancels").isEmpty();
    }

    /** A client in the same per-loop pool as {@code a} (so the two share its one server); others go to extras. */
    private RawClient sameLoopAs(RawClient a, List<RawClient> extras) {
        var home = TxClients.poolOf(pooler, a);
        for (int i = 0; i < 16; i++) {
            RawClient b = TxClients.login(pooler, "app");
            if (TxClients.poolOf(pooler, b) == home) {
                return b;
            }
            extras.add(b);
        }
        throw new AssertionError("no client on A's event loop");
    }

    private Key login(RawClient client) {
        client.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "app"));
        Key key = null;
        for (Message m : client.untilReady(Duration.ofSeconds(10))) {
            if (m.type() == 'K') {
                ByteBuffer body = ByteBuffer.wrap(m.body());
                int pid = body.getInt();
                byte[] secret = new byte[body.remaining()];
                body.get(secret);
                key = new Key(pid, secret);
            }
            assertThat(m.type()).as("login reply").isNotEqualTo((byte) 'E');
        }
        assertThat(key).as("BackendKeyData").isNotNull();
        return key;
    }

    /** One CancelRequest on its own connection; PostgreSQL (and Tidepool) close it without a reply. */
    private void cancel(Key key) {
        try (RawClient c = RawClient.connect(pooler.host(), pooler.port())) {
            c.send(RawClient.cancelRequest(key.pid(), key.secret()));
            c.untilClosed(Duration.ofSeconds(5));
        }
    }
}
