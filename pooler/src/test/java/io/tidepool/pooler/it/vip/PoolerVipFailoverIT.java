package io.tidepool.pooler.it.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidepool.testkit.NetNs;
import io.tidepool.testkit.NetNs.Host;
import io.tidepool.testkit.PgBinaries;
import io.tidepool.testkit.PostgresCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's last acceptance item: two Tidepool processes ({@code bin/tidepool run}, priorities 150 and 100, VRRP v3,
 * advert_int 0.1 s, vip_lifetime 2 s) in their own network namespaces hold one VIP in front of one real PostgreSQL;
 * a client namespace runs psql through VIP:6432. The master is killed with SIGKILL, then (after it came back and
 * preempted) stopped with SIGTERM; each time the test prints how long until psql through the VIP is answered by the
 * second pooler, and checks {@code SHOW VRRP} on the survivor says MASTER.
 *
 * <p>PostgreSQL stays in the root namespace: a veth pair joins the root namespace to the lab's bridge with the
 * subnet's {@code .1}, PostgreSQL listens on loopback and that address and trusts the lab subnet. Nothing else in the
 * root namespace changes; the veth goes away with the lab's switch namespace (and is deleted explicitly).
 */
class PoolerVipFailoverIT {
    private static final String IP = "/usr/sbin/ip";
    private static final int PORT = 6432;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeAll
    static void needsNamespaces() {
        assumeTrue(NetNs.available(), NetNs::skipReason);
    }

    @Test
    void kill9AndGracefulStopMoveTheVipToTheSecondPooler() throws Exception {
        Path launcher = Path.of(System.getProperty("user.dir")).resolveSibling("bin").resolve("tidepool");
        Path jar = launcher.getParent().resolveSibling("pooler").resolve("target").resolve("tidepool.jar");
        assertThat(jar).as("build the pooler jar first (mvn package)").exists();
        int net = ThreadLocalRandom.current().nextInt(1, 255);
        String prefix = "10.213." + net + ".";
        String vip = prefix + "100";
        Path dir = Files.createTempDirectory("tidepool-vipit-");
        String rootEnd = null;
        List<Process> poolers = new ArrayList<>();
        boolean passed = false;
        try (NetNs lab = NetNs.create()) {
            // The root namespace's door into the lab: one veth end in the root namespace, the other on br0.
            rootEnd = lab.tag() + "r";
            String bridgeEnd = lab.tag() + "rb";
            ip("link", "add", rootEnd, "type", "veth", "peer", "name", bridgeEnd);
            ip("link", "set", bridgeEnd, "netns", lab.tag() + "-sw");
            ip("-n", lab.tag() + "-sw", "link", "set", bridgeEnd, "master", "br0", "up");
            ip("addr", "add", prefix + "1/24", "dev", rootEnd);
            ip("link", "set", rootEnd, "up");
            Host p1 = lab.addHost("p1", prefix + "11/24", null);
            Host p2 = lab.addHost("p2", prefix + "12/24", null);
            Host client = lab.addHost("client", prefix + "20/24", null);

            try (PostgresCluster pg = PostgresCluster.builder()
                    .setting("listen_addresses", "127.0.0.1," + prefix + "1").start()) {
                var primary = pg.primary();
                Path hba = primary.dataDir().resolve("pg_hba.conf");
                Files.writeString(hba, "host all all " + prefix + "0/24 trust\n", StandardOpenOption.APPEND);
                primary.reload();

                Path ini1 = writeIni(dir, "p1", prefix, primary.port(), 150, vip);
                Path ini2 = writeIni(dir, "p2", prefix, primary.port(), 100, vip);
                Process t1 = lab.start(p1, List.of(launcher.toString(), "run", ini1.toString()), dir.resolve("p1.log"));
                poolers.add(t1);
                await("p1 holds the VIP", () -> lab.addresses(p1).contains(vip + "/"), WAIT);
                Process t2 = lab.start(p2, List.of(launcher.toString(), "run", ini2.toString()), dir.resolve("p2.log"));
                poolers.add(t2);
                await("p2 BACKUP", () -> "BACKUP".equals(vrrpState(lab, client, p2.ip())), WAIT);
                await("psql through the VIP reaches PostgreSQL via p1",
                        () -> (p1.ip()).equals(clientAddrThroughVip(lab, client, vip)), WAIT);

                // kill -9 of the master: every psql through the VIP that succeeds afterwards went through p2.
                long killed = System.nanoTime();
                NetNs.kill9(t1);
                long answered = await("psql through the VIP after kill -9",
                        () -> p2.ip().equals(clientAddrThroughVip(lab, client, vip)), WAIT);
                report("kill -9 master -> psql through the VIP answered via p2", answered - killed);
                assertThat(vrrpState(lab, client, p2.ip())).isEqualTo("MASTER");
                // Printed, not asserted: whether the dead node's VIP outlived the takeover depends on timing.
                System.out.println("[vip-it] VIP still on dead p1's eth0 at takeover: "
                        + lab.addresses(p1).contains(vip + "/"));
                long gone = await("the VIP expires on dead p1's eth0",
                        () -> !lab.addresses(p1).contains(vip + "/"), Duration.ofSeconds(6));
                report("kill -9 master -> VIP gone from p1's eth0 (kernel, vip_lifetime 2 s)", gone - killed);

                // p1 comes back and preempts (priority 150 > 100); then a graceful stop hands the VIP over.
                t1 = lab.start(p1, List.of(launcher.toString(), "run", ini1.toString()), dir.resolve("p1.log"));
                poolers.add(t1);
                await("p1 MASTER again", () -> "MASTER".equals(vrrpState(lab, client, p1.ip())), WAIT);
                await("p2 BACKUP again", () -> "BACKUP".equals(vrrpState(lab, client, p2.ip())), WAIT);
                await("psql through the VIP via p1 again",
                        () -> p1.ip().equals(clientAddrThroughVip(lab, client, vip)), WAIT);
                var p2Master = CompletableFuture.supplyAsync(() -> awaitUnchecked("p2 MASTER after SIGTERM",
                        () -> "MASTER".equals(vrrpState(lab, client, p2.ip()))));
                long stopping = System.nanoTime();
                t1.destroy();                               // SIGTERM: priority-0 advert, VIP released first
                long[] attempt = new long[1];
                long handedOver = await("psql through the VIP via p2 after SIGTERM", () -> {
                    attempt[0] = System.nanoTime();
                    return p2.ip().equals(clientAddrThroughVip(lab, client, vip));
                }, WAIT);
                report("SIGTERM master -> p2 MASTER (SHOW VRRP on p2's own address)", p2Master.get() - stopping);
                report("SIGTERM master -> psql through the VIP answered via p2", handedOver - stopping);
                // A connect started while the client's ARP entry still named p1 loses its SYN (p1 no longer owns
                // the address) and waits for TCP's initial retransmission timeout (1 s, RFC 6298 §2.1).
                report("  ... that successful psql had started at", attempt[0] - stopping);
                assertThat(lab.addresses(p1)).doesNotContain(vip + "/");
                assertThat(t1.waitFor(10, TimeUnit.SECONDS)).as("p1 exits after SIGTERM").isTrue();
                long exited = System.nanoTime();
                report("SIGTERM master -> p1 process exited", exited - stopping);
                String vrrp = adminQuery(lab, client, p2.ip(), "SHOW VRRP");
                System.out.println("SHOW VRRP on p2: " + vrrp);
                assertThat(vrrp).isNotNull();
                assertThat(vrrp.split("\\|")[2]).isEqualTo("MASTER");
                assertThat(clientAddrThroughVip(lab, client, vip)).isEqualTo(p2.ip());
                passed = true;
            }
        } finally {
            for (Process process : poolers) {
                if (process.isAlive()) {
                    NetNs.kill9(process);
                }
            }
            if (rootEnd != null) {
                ipQuietly("link", "del", rootEnd);
            }
            if (!passed || Boolean.getBoolean("vipit.logs")) {
                printTail(dir.resolve("p1.log"));
                printTail(dir.resolve("p2.log"));
            }
            deleteTree(dir);
        }
    }

    private static Path writeIni(Path dir, String name, String prefix, int pgPort, int priority, String vip)
            throws IOException {
        String ini = """
                [databases]
                db = host=%s1 port=%d user=postgres dbname=postgres

                [pgbouncer]
                listen_addr = 0.0.0.0
                listen_port = %d
                unix_socket_dir =
                auth_type = trust
                admin_users = postgres
                client_login_timeout = 2

                [vrrp]
                interface = eth0
                virtual_router_id = 51
                priority = %d
                advert_int = 0.1
                version = 3
                virtual_ipaddress = %s/24
                vip_lifetime = 2
                """.formatted(prefix, pgPort, PORT, priority, vip);
        Path file = dir.resolve(name + ".ini");
        Files.writeString(file, ini);
        return file;
    }

    /** {@code inet_client_addr()} as PostgreSQL saw it through VIP:6432, i.e. which pooler answered, or null. */
    private static @Nullable String clientAddrThroughVip(NetNs lab, Host client, String vip) {
        String out = psql(lab, client, vip, "db", "SELECT host(inet_client_addr())");
        return out == null ? null : out.strip();
    }

    /** The state column of {@code SHOW VRRP} on the pooler at {@code host}, or null if it does not answer. */
    private static @Nullable String vrrpState(NetNs lab, Host client, String host) {
        String row = adminQuery(lab, client, host, "SHOW VRRP");
        String[] fields = row == null ? new String[0] : row.split("\\|");
        return fields.length > 2 ? fields[2] : null;
    }

    private static @Nullable String adminQuery(NetNs lab, Host client, String host, String sql) {
        String out = psql(lab, client, host, "pgbouncer", sql);
        return out == null ? null : out.strip();
    }

    /** Runs psql in the client namespace; null if it fails (refused, timed out, error). */
    private static @Nullable String psql(NetNs lab, Host client, String host, String db, String sql) {
        try {
            return lab.exec(client, "env", "PGCONNECT_TIMEOUT=2", PgBinaries.get().tool("psql").toString(), "-X",
                    "-A", "-t", "-h", host, "-p", Integer.toString(PORT), "-U", "postgres", "-d", db, "-c", sql);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** Polls {@code condition} every 10 ms; returns System.nanoTime() when it first held. */
    private static long await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
    }

    private static long awaitUnchecked(String what, BooleanSupplier condition) {
        try {
            return await(what, condition, WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void report(String what, long nanos) {
        System.out.printf("[vip-it] %-70s %6d ms%n", what, TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    private static void ip(String... args) {
        var command = new ArrayList<>(List.of(IP));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static void ipQuietly(String... args) {
        try {
            ip(args);
        } catch (IllegalStateException alreadyGone) {
            // deleting the switch namespace removed the pair already
        }
    }

    private static void printTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            System.out.println("---- " + log + " (last 40 lines)");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
        } catch (IOException e) {
            System.out.println("---- " + log + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a test for
        }
    }
}
