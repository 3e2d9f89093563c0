package io.tidepool.pooler.it;

import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.RawClient.Outcome;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.RawClient.cstring;
import static io.tidepool.pooler.it.RawClient.header;
import static io.tidepool.pooler.it.RawClient.int16;
import static io.tidepool.pooler.it.RawClient.int32;
import static io.tidepool.pooler.it.RawClient.message;
import static io.tidepool.pooler.it.MessageBadInputIT.firstColumn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resource exhaustion (RELIABILITY §4 cases 27–30, reduced to what 2 cores run in seconds): max_client_conn, a
 * slowloris crowd, a client that reads nothing while its server streams, and messages of 100–200 MB streamed through
 * (and rejected on the header above max_packet_size). Each test starts its own pooler with the limits it needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class ResourceLimitsIT {
    private static final int MB = 1024 * 1024;
    private PostgresNode postgres;

    @BeforeAll
    void database() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_limits");
        postgres.execute("create database it_limits");
    }

    private TidepoolFixture.Builder pooler() {
        return TidepoolFixture.builder(postgres).database("db", "it_limits");
    }

    @Test
    void case27MaxClientConnPlusOneRefusedWith53300() {
        try (TidepoolFixture pooler = pooler().set("max_client_conn", 5).start()) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    RawClient client = RawClient.connect(pooler.host(), pooler.port());
                    clients.add(client);
                    client.login("postgres", "db");
                }
                try (RawClient extra = RawClient.connect(pooler.host(), pooler.port())) {
                    extra.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "db"));
                    Outcome outcome = extra.untilClosed(Duration.ofSeconds(5));
                    BadInputBase.assertFatal(outcome, "53300", "no more connections allowed (max_client_conn)");
                }
                for (RawClient client : clients) {
                    assertThat(firstColumn(client.query("select 27"))).as("existing sessions unaffected")
                            .isEqualTo("27");
                }
            } finally {
                clients.forEach(RawClient::close);
            }
            // The admin console is exempt from max_client_conn: AdminMisuseIT (case 67).
        }
    }

    @Test
    void case28SlowlorisCrowdClosedAtLoginTimeoutWhileLegitLoginsWork() throws Exception {
        try (TidepoolFixture pooler = pooler().set("max_client_conn", 50).start()) {
            byte[] packet = RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "db");
            List<RawClient> crowd = new ArrayList<>();
            MemoryProbe probe = MemoryProbe.start("case 28: 200 slowloris sockets");
            try (probe) {
                for (int i = 0; i < 200; i++) {
                    RawClient client = RawClient.connect(pooler.host(), pooler.port());
                    client.send(Arrays.copyOf(packet, 1));
                    crowd.add(client);
                }
                long loginMillis = 0;
                for (int second = 0; second < 3; second++) {
                    long start = System.nanoTime();
                    try (Connection c = pooler.target("db").connect(); var s = c.createStatement();
                         var rs = s.executeQuery("select 28")) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(28);
                    }
                    loginMillis = Math.max(loginMillis, (System.nanoTime() - start) / 1_000_000);
                    for (RawClient client : crowd) {
                        client.trySend(Arrays.copyOfRange(packet, 1 + second, 2 + second));   // one more byte
                    }
                    Thread.sleep(1000);
                }
                System.out.printf("case 28: legitimate login + query during the slowloris crowd: worst %d ms%n",
                        loginMillis);
                int closed = 0;
                for (RawClient client : crowd) {
                    Outcome outcome = client.untilClosed(Duration.ofSeconds(5));
                    if (outcome.closed() && outcome.errorMessage().contains("client_login_timeout")) {
                        closed++;
                    }
                }
                probe.stop();
                assertThat(closed).as("slowloris sockets closed at client_login_timeout").isEqualTo(200);
                assertThat(probe.heapGrowthAfterGcMb()).as("heap retained, MB").isLessThan(16);
            } finally {
                crowd.forEach(RawClient::close);
            }
        }
    }

    @Test
    void case29ClientReadingNothingKeepsMemoryBoundedAndItsServerIsClosed() throws Exception {
        try (TidepoolFixture pooler = pooler().start();
             Bystander bystander = Bystander.start(pooler.target("db"))) {
            RawClient reader = RawClient.connect(pooler.host(), pooler.port());
            reader.login("postgres", "db");
            MemoryProbe probe = MemoryProbe.start("case 29: client reading nothing, server streaming");
            try (probe) {
                reader.send(message('Q', cstring("select repeat('x', 1000) from generate_series(1, 10000000)")));
                String pid = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (pid == null && System.nanoTime() < deadline) {
                    pid = postgres.queryString("select pid from pg_stat_activity where datname = 'it_limits' "
                            + "and query like 'select repeat%' and state = 'active'");
                    Thread.sleep(50);
                }
                assertThat(pid).as("the streaming backend").isNotNull();
                Thread.sleep(3000);                            // let every buffer on the way fill up
                probe.stop();
                bystander.assertUnaffected();
                assertThat(probe.directGrowthPeakMb()).as("direct memory growth, MB").isLessThan(16);
                String peer = reader.peer();
                reader.reset();
                String line = pooler.logs().await(Duration.ofSeconds(5),
                        l -> l.contains("client disconnected with query in progress"));
                assertThat(line).as("server closed, not reused: " + pooler.logs().linesWith(peer)).isNotNull();
                System.out.println("case 29: " + line);
                String gone = pid;
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!"0".equals(postgres.queryString("select count(*) from pg_stat_activity where pid = " + gone))
                        && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                assertThat(postgres.queryString("select count(*) from pg_stat_activity where pid = " + gone))
                        .as("backend " + gone + " ended").isEqualTo("0");
            }
        }
    }

    @Test
    void case30HugeBindParameterCopyRowAndQueryStreamThrough() throws Exception {
        try (TidepoolFixture pooler = pooler().start(); RawClient client = RawClient.connect(pooler.host(),
                pooler.port())) {
            client.login("postgres", "db");
            MemoryProbe probe = MemoryProbe.start("case 30: 200 MB Bind, 200 MB COPY row, 100 MB Query");
            try (probe) {
                // Bind: one text parameter of 200 MB.
                int size = 200 * MB;
                client.send(message('P', concat(cstring(""), cstring("select length($1)"), int16(0))));
                byte[] bindHead = concat(cstring(""), cstring(""), int16(0), int16(1), int32(size));
                byte[] bindTail = int16(0);
                client.send(header('B', 4 + bindHead.length + size + bindTail.length), bindHead);
                streamFiller(client, size);
                client.send(bindTail, message('E', concat(cstring(""), int32(0))), message('S', new byte[0]));
                assertThat(firstColumn(client.untilReady(Duration.ofMinutes(2)))).isEqualTo(Integer.toString(size));

                // COPY: one row of 200 MB in one CopyData message.
                client.query("create temp table c30(t text)");
                client.send(message('Q', cstring("copy c30 from stdin")));
                Message copyIn = client.read(Duration.ofSeconds(10));
                assertThat(copyIn).isNotNull();
                assertThat((char) copyIn.type()).isEqualTo('G');
                client.send(header('d', 4 + size + 1));
                streamFiller(client, size);
                client.send(new byte[] {'\n'}, message('c', new byte[0]));
                List<Message> copied = client.untilReady(Duration.ofMinutes(2));
                assertThat(copied).as(copied.toString()).noneMatch(m -> m.type() == 'E');
                assertThat(firstColumn(client.query("select length(t) from c30"))).isEqualTo(Integer.toString(size));

                // Query: 100 MB of SQL text.
                int querySize = 100 * MB;
                byte[] prefix = "select length('".getBytes(StandardCharsets.US_ASCII);
                byte[] suffix = "')\0".getBytes(StandardCharsets.US_ASCII);
                client.send(header('Q', 4 + prefix.length + querySize + suffix.length), prefix);
                streamFiller(client, querySize);
                client.send(suffix);
                assertThat(firstColumn(client.untilReady(Duration.ofMinutes(2))))
                        .isEqualTo(Integer.toString(querySize));
                probe.stop();
            }
            assertThat(probe.directGrowthPeakMb()).as("direct memory growth while 500 MB streamed through, MB")
                    .isLessThan(32);
        }
    }

    @Test
    void case30AboveMaxPacketSizeRejectedOnTheHeader() {
        try (TidepoolFixture pooler = pooler().set("max_packet_size", 64 * MB).start()) {
            for (char type : new char[] {'B', 'd', 'Q', 'P'}) {
                try (RawClient client = RawClient.connect(pooler.host(), pooler.port())) {
                    client.login("postgres", "db");
                    client.send(header(type, 64 * MB + 1), new byte[100]);     // the header and a few bytes only
                    Outcome outcome = client.untilClosed(Duration.ofSeconds(5));
                    BadInputBase.assertFatal(outcome, "08P01", "message '" + type + "' length: " + (64 * MB + 1));
                    System.out.printf("case 30: '%c' of 64 MB + 1 rejected on the header in %d ms%n", type,
                            outcome.millis());
                }
            }
        }
    }

    /** Sends {@code size} bytes of 'x' in 1 MB writes, from one reused buffer. */
    private static void streamFiller(RawClient client, int size) {
        byte[] chunk = new byte[MB];
        Arrays.fill(chunk, (byte) 'x');
        for (int sent = 0; sent < size; sent += chunk.length) {
            int n = Math.min(chunk.length, size - sent);
            client.send(n == chunk.length ? chunk : Arrays.copyOf(chunk, n));
        }
    }
}
