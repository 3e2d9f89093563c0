package io.tidepool.pooler.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tidepool.auth.ScramSecret;
import io.tidepool.auth.md5.Md5Password;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.Psql;
import io.tidepool.testkit.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login defences (RELIABILITY cases 25, 26, 35): a password-guessing storm from one address does not stop legitimate
 * logins and its log lines are rate-limited; 2000 concurrent SCRAM logins against a plaintext auth_file (a PBKDF2
 * per login) are throttled without blocking established sessions; and with logging at DEBUG no password, SCRAM
 * verifier, key, proof or md5 secret appears in any log line across every authentication path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class LoginDefencesIT {
    private AuthCluster auth;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        auth = AuthCluster.get();
        dir = TempDirs.create("tidepool-defences-");
        auth.certs.copyServerFilesTo(dir);
    }

    @AfterAll
    void stop() {
        if (dir != null) {
            TempDirs.delete(dir);                           // a copy of the server key among them
        }
    }

    private TidepoolFixture.Builder hbaPooler() {
        return TidepoolFixture.builder(auth.node)
                .rawDatabase("authdb", auth.authdbEntry())
                .set("client_login_timeout", 10)
                .set("auth_type", "hba")
                .set("auth_hba_file", AuthCluster.writePoolerHba(dir))
                .set("auth_file", auth.writeAuthFile(dir))
                .set("client_tls_sslmode", "prefer")
                .set("client_tls_cert_file", dir.resolve("server.crt"))
                .set("client_tls_key_file", dir.resolve("server.key"))
                .set("client_tls_ca_file", auth.certs.caCert)
                .set("max_client_conn", 5000);
    }

    @Test
    void passwordStormFromOneAddressLeavesLegitimateLoginsWorking() throws Exception {
        try (TidepoolFixture pooler = hbaPooler().start()) {
            PgTarget good = AuthCluster.through(pooler, "alice", AuthCluster.ALICE_PW);
            PgTarget bad = AuthCluster.through(pooler, "alice", "guess");
            AtomicInteger attempts = new AtomicInteger();
            AtomicLong failedNanos = new AtomicLong();
            List<String> wrongOutcome = new CopyOnWriteArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            List<Thread> attackers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                attackers.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try (Connection ignored = bad.connect()) {
                            wrongOutcome.add("logged in with a wrong password");
                        } catch (SQLException e) {
                            if (!"28P01".equals(e.getSQLState())) {
                                wrongOutcome.add(e.getSQLState() + " " + e.getMessage());
                            }
                        }
                        failedNanos.addAndGet(System.nanoTime() - t0);
                        attempts.incrementAndGet();
                    }
                }));
            }
            int legitimate = 0;
            long legitimateNanos = 0;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                try (Connection c = good.connect()) {
                    assertThat(c.isValid(5)).isTrue();
                }
                legitimateNanos += System.nanoTime() - t0;
                legitimate++;
                RawClient.sleep(Duration.ofMillis(100));
            }
            for (Thread t : attackers) {
                t.join(15_000);
            }
            long failureLines = pooler.logs().lines().stream()
                    .filter(l -> l.contains("authentication failed: ") && l.contains("alice")).count();
            System.out.printf("case 25: %d wrong-password attempts (mean %.0f ms each, delay included), %d legitimate "
                            + "logins (mean %.0f ms), %d failure log lines%n", attempts.get(),
                    failedNanos.get() / 1e6 / Math.max(1, attempts.get()), legitimate,
                    legitimateNanos / 1e6 / Math.max(1, legitimate), failureLines);
            assertThat(wrongOutcome).isEmpty();
            assertThat(legitimate).isGreaterThan(0);
            // Each refused login would log two lines (the failure and the close); at most 10 per second get through.
            assertThat(failureLines).as("rate-limited").isLessThan(attempts.get());
            assertThat(pooler.logs().lines()).anyMatch(l -> l.contains("similar lines suppressed"));
        }
    }

    @Test
    void twoThousandConcurrentScramLoginsAreThrottledNotBlocking() throws Exception {
        Path plain = dir.resolve("plain-userlist.txt");
        Files.writeString(plain, "\"plainuser\" \"" + AuthCluster.PLAIN_PW + "\"\n\"postgres\" \"\"\n");
        Path hba = dir.resolve("plain-hba.conf");
        Files.writeString(hba, "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
        System.setProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY, "0");
        try (TidepoolFixture pooler = TidepoolFixture.builder(auth.node)
                .rawDatabase("authdb", auth.authdbEntry())
                .set("client_login_timeout", 60).set("auth_type", "hba").set("auth_hba_file", hba)
                .set("auth_file", plain).set("max_client_conn", 5000).start();
             Bystander bystander = Bystander.start(PgTarget.of(pooler.host(), pooler.port(), "postgres", "authdb"))) {
            // Warm the pool (the first login teaches it the server's welcome).
            assertThat(Psql.query(AuthCluster.through(pooler, "plainuser", AuthCluster.PLAIN_PW), "select 1"))
                    .isEqualTo("1");
            // The established session is opened before the storm (during it, new logins are throttled by design).
            Connection established = PgTarget.of(pooler.host(), pooler.port(), "postgres", "authdb").connect();
            Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            List<Long> bystanderMillis = new CopyOnWriteArrayList<>();
            long before = bystander.answered();
            long t0 = System.nanoTime();
            List<Thread> logins = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                logins.add(Thread.ofVirtual().start(() -> {
                    String outcome;
                    try (RawClient client = RawClient.connect(pooler.host(), pooler.port())) {
                        ScramScript s = new ScramScript(client, AuthCluster.PLAIN_PW);
                        client.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "plainuser",
                                "database", "authdb"));
                        RawClient.Message first = client.read(Duration.ofSeconds(60));
                        if (first == null || first.type() == 'E') {
                            outcome = first == null ? "closed" : first.sqlState();
                        } else {
                            s.first();
                            client.send(ScramScript.response(s.clientFinal("n,,")));
                            outcome = client.untilReady(Duration.ofSeconds(60)).getLast().type() == 'Z' ? "ok" : "?";
                        }
                    } catch (RuntimeException | AssertionError e) {
                        outcome = e.getClass().getSimpleName();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                }));
            }
            // A platform thread: the 2000 client-side PBKDF2s of this test run on virtual threads and would starve a
            // virtual probe, measuring the test's own scheduler instead of the pooler.
            Thread probe = Thread.ofPlatform().start(() -> {
                try (Connection c = established) {
                    while (logins.stream().anyMatch(Thread::isAlive)) {
                        long q0 = System.nanoTime();
                        c.createStatement().executeQuery("select 1").close();
                        bystanderMillis.add((System.nanoTime() - q0) / 1_000_000);
                        RawClient.sleep(Duration.ofMillis(20));
                    }
                } catch (SQLException e) {
                    bystanderMillis.add(-1L);
                }
            });
            for (Thread t : logins) {
                t.join(180_000);
            }
            probe.join(10_000);
            long seconds = Math.max(1, (System.nanoTime() - t0) / 1_000_000_000L);
            List<Long> sorted = bystanderMillis.stream().sorted().toList();
            System.out.printf("case 35: 2000 SCRAM logins in %d s: %s; established-session query p50 %d ms, p99 %d ms "
                            + "(%d samples); bystander answered %d%n", seconds, outcomes,
                    sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2),
                    sorted.isEmpty() ? -1 : sorted.get((int) (sorted.size() * 0.99)), sorted.size(),
                    bystander.answered() - before);
            assertThat(outcomes.keySet()).as("only logins and throttling").isSubsetOf("ok", "53300");
            assertThat(outcomes.get("ok")).isNotNull();
            assertThat(bystanderMillis).doesNotContain(-1L);
            bystander.assertUnaffected();
        } finally {
            System.clearProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY);
        }
    }

    @Test
    void noSecretInAnyLogLineAtDebugLevel() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("io.tidepool");
        Level previous = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        List<String> secrets = new ArrayList<>(List.of(AuthCluster.ALICE_PW, AuthCluster.BOB_PW,
                AuthCluster.PLAIN_PW, AuthCluster.AQ_PW, Md5Password.storedSecret("bob", AuthCluster.BOB_PW)));
        for (String role : List.of("alice", "aquser", "plainuser")) {
            ScramSecret secret = ScramSecret.parse(auth.secretOf(role));
            secrets.add(Base64.getEncoder().encodeToString(secret.storedKey()));
            secrets.add(Base64.getEncoder().encodeToString(secret.serverKey()));
            secrets.add(auth.secretOf(role));
        }
        System.setProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY, "0");
        try (TidepoolFixture pooler = hbaPooler().set("auth_user", "postgres").start()) {
            runEveryPath(pooler, secrets);
            List<String> lines = pooler.logs().lines();
            System.out.println("case 26: " + lines.size() + " log lines checked against " + secrets.size()
                    + " secrets");
            assertThat(lines).anyMatch(l -> l.startsWith("DEBUG"));
            for (String secret : secrets) {
                assertThat(lines).as("a log line contains a secret").noneMatch(l -> l.contains(secret));
            }
        } finally {
            System.clearProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY);
            logger.setLevel(previous);
        }
    }

    /** SCRAM, -PLUS, md5, cleartext, cert, auth_query, pass-through; each right and wrong; hostile SCRAM. */
    private void runEveryPath(TidepoolFixture pooler, List<String> secrets) throws Exception {
        PgTarget tls = AuthCluster.through(pooler, "alice", AuthCluster.ALICE_PW)
                .withEnv("PGSSLMODE", "verify-full").withEnv("PGSSLROOTCERT", auth.certs.caCert.toString())
                .withEnv("PGCHANNELBINDING", "require");
        assertThat(Psql.query(tls, "select current_user")).isEqualTo("alice");
        for (String[] login : new String[][] {{"alice", AuthCluster.ALICE_PW}, {"bob", AuthCluster.BOB_PW},
                {"plainuser", AuthCluster.PLAIN_PW}, {"aquser", AuthCluster.AQ_PW}}) {
            try (Connection c = AuthCluster.through(pooler, login[0], login[1]).connect()) {
                assertThat(c.isValid(5)).isTrue();
            }
            PgTarget wrong = AuthCluster.through(pooler, login[0], login[1] + "x");
            try (Connection c = wrong.connect()) {
                throw new AssertionError(login[0] + " logged in with a wrong password");
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).isEqualTo("28P01");
            }
        }
        PgTarget cert = AuthCluster.through(pooler, "certuser", "").withEnv("PGSSLMODE", "verify-full")
                .withEnv("PGSSLROOTCERT", auth.certs.caCert.toString())
                .withEnv("PGSSLCERT", auth.certs.clientCert.toString())
                .withEnv("PGSSLKEY", auth.certs.clientKey.toString());
        assertThat(Psql.query(cert, "select current_user")).isEqualTo("certuser");
        // A raw SCRAM login whose proof and client key we know, and a wrong proof: neither may be logged.
        try (RawClient client = RawClient.connect(pooler.host(), pooler.port())) {
            ScramScript s = new ScramScript(client, AuthCluster.ALICE_PW).start("alice", "authdb").first();
            String clientFinal = s.clientFinal("n,,");
            secrets.add(clientFinal.substring(clientFinal.indexOf(",p=") + 3));
            client.send(ScramScript.response(clientFinal));
            client.untilReady(Duration.ofSeconds(10));
        }
        try (RawClient client = RawClient.connect(pooler.host(), pooler.port())) {
            ScramScript s = new ScramScript(client, "wrong-" + AuthCluster.ALICE_PW).start("alice", "authdb").first();
            String clientFinal = s.clientFinal("n,,");
            secrets.add(clientFinal.substring(clientFinal.indexOf(",p=") + 3));
            client.send(ScramScript.response(clientFinal));
            client.untilClosed(Duration.ofSeconds(10));
        }
        try (RawClient client = RawClient.connect(pooler.host(), pooler.port())) {
            client.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "plainuser", "database", "authdb"));
            client.read(Duration.ofSeconds(10));
            client.send(RawClient.message('p', RawClient.cstring("leaked-" + AuthCluster.PLAIN_PW)));
            secrets.add("leaked-" + AuthCluster.PLAIN_PW);
            client.untilClosed(Duration.ofSeconds(10));
        }
    }
}
