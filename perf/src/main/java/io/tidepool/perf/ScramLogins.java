package io.tidepool.perf;

import io.tidepool.pooler.app.Tidepool;
import io.tidepool.testkit.PgBouncerProcess;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PortAllocator;
import io.tidepool.testkit.PostgresCluster;
import io.tidepool.testkit.PostgresNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SCRAM-SHA-256 logins per second through Tidepool and through PgBouncer, in one run (issue 4's benchmark). One
 * PostgreSQL that requires scram-sha-256; both poolers get {@code auth_type = scram-sha-256} and an auth_file holding
 * the role's SCRAM verifier (no plaintext anywhere: each pooler checks the client's proof and logs in to the server
 * by pass-through). Each client thread loops connect (pgjdbc, SCRAM) + {@code SELECT 1} + close. Prints figures,
 * asserts none.
 *
 * <p>Usage: {@code java -cp perf/target/tidepool-perf.jar io.tidepool.perf.ScramLogins [threads] [seconds]}
 * (defaults 8 and 10). Tidepool runs in this JVM (its CPU is shared with the client threads, PgBouncer's is not: the
 * comparison favours PgBouncer slightly); pgjdbc's own PBKDF2 is the same cost for both.
 */
public final class ScramLogins {
    private static final String USER = "scrambench";
    private static final String PASSWORD = "bench-Pw-4e1";

    private ScramLogins() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        // The in-process pooler logs as a deployment would (INFO), not logback's unconfigured DEBUG to the console.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        try (PostgresCluster cluster = PostgresCluster.builder().setting("password_encryption", "scram-sha-256")
                .start()) {
            PostgresNode node = cluster.primary();
            node.execute("create role " + USER + " login password '" + PASSWORD + "'");
            node.execute("create database scrambench");
            node.writeHba("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n");
            node.reload();
            String secret = node.queryString("select rolpassword from pg_authid where rolname = '" + USER + "'");
            String entry = "host=" + node.host() + " port=" + node.port() + " dbname=scrambench";

            Path dir = Files.createTempDirectory("tidepool-scram-bench-");
            Files.writeString(dir.resolve("userlist.txt"), "\"" + USER + "\" \"" + secret + "\"\n");
            int port = PortAllocator.freePort();
            Files.writeString(dir.resolve("tidepool.ini"), "[databases]\nscrambench = " + entry + "\n\n[pgbouncer]\n"
                    + "listen_addr = 127.0.0.1\nlisten_port = " + port + "\nunix_socket_dir =\n"
                    + "auth_type = scram-sha-256\nauth_file = " + dir.resolve("userlist.txt") + "\n"
                    + "max_client_conn = 1000\nlog_connections = 0\nlog_disconnections = 0\n"
                    + "ignore_startup_parameters = extra_float_digits\n");
            Tidepool tidepool = Tidepool.start(dir.resolve("tidepool.ini"));
            try (PgBouncerProcess bouncer = PgBouncerProcess.builder()
                    .database("scrambench", entry)
                    .authType("scram-sha-256")
                    .user(USER, secret)
                    .setting("log_connections", "0")
                    .setting("log_disconnections", "0")
                    .setting("ignore_startup_parameters", "extra_float_digits")
                    .start()) {
                PgTarget viaTidepool = PgTarget.of("127.0.0.1", port, USER, "scrambench").withPassword(PASSWORD);
                PgTarget viaBouncer = bouncer.target(USER, "scrambench").withPassword(PASSWORD);
                PgTarget direct = node.target(USER, "scrambench").withPassword(PASSWORD);
                run("warm-up tidepool", viaTidepool, threads, 2);
                run("warm-up pgbouncer", viaBouncer, threads, 2);
                double t = run("tidepool", viaTidepool, threads, seconds);
                double b = run("pgbouncer", viaBouncer, threads, seconds);
                double d = run("direct", direct, threads, seconds);
                System.out.printf("%nSCRAM logins/s with %d client threads, %d s each on %d cores: Tidepool %.0f, "
                        + "PgBouncer %.0f, direct PostgreSQL %.0f%n", threads, seconds,
                        Runtime.getRuntime().availableProcessors(), t, b, d);
            } finally {
                tidepool.shutdown(Duration.ofSeconds(2));
            }
        }
    }

    private static double run(String name, PgTarget target, int threads, int seconds) throws InterruptedException {
        AtomicLong logins = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try (Connection c = target.connect(); ResultSet rs = c.createStatement().executeQuery("select 1")) {
                        rs.next();
                        logins.incrementAndGet();
                    } catch (Exception e) {
                        if (failures.incrementAndGet() == 1) {
                            System.err.println(name + ": " + e);
                        }
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = logins.get() / elapsed;
        System.out.printf("%-18s %7d logins, %d failures, %.0f logins/s%n", name, logins.get(), failures.get(), rate);
        return rate;
    }
}
