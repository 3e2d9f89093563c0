package io.tidepool.vip.system;

import io.tidepool.testkit.NetNs;
import io.tidepool.testkit.NetNs.Host;
import io.tidepool.vip.state.VrrpState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The system-test lab: a {@link NetNs} with two VRRP hosts p1 (192.0.2.11) and p2 (192.0.2.12) and a client cl
 * (192.0.2.100) on one bridge, VIP 192.0.2.50/24, VRID 51. Starts Tidepool nodes ({@link VrrpTestNode} JVMs) and
 * keepalived in the hosts, and probes the VIP from the client by TCP. Times are {@link System#nanoTime()}, which is
 * CLOCK_MONOTONIC and so comparable across the processes of one machine.
 */
final class VrrpLab implements AutoCloseable {
    static final String VIP = "192.0.2.50";
    static final int PORT = 7000;
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    final NetNs net;
    final Host p1;
    final Host p2;
    final Host client;
    final Path dir;
    private final List<ServerSocket> listeners = new ArrayList<>();

    VrrpLab() throws IOException {
        dir = Files.createTempDirectory("vrrp-lab");
        net = NetNs.create();
        try {
            p1 = net.addHost("p1", "192.0.2.11/24", "02:00:00:00:00:11");
            p2 = net.addHost("p2", "192.0.2.12/24", "02:00:00:00:00:12");
            client = net.addHost("cl", "192.0.2.100/24", "02:00:00:00:00:64");
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** A [vrrp] section for our lab: the given extra lines are appended. */
    static String ini(int priority, String... extra) {
        return "[vrrp]\ninterface = eth0\nvirtual_router_id = 51\npriority = " + priority + "\n"
                + "virtual_ipaddress = " + VIP + "/24\ngarp_master_repeat = 3\ngarp_master_delay = 1\n"
                + String.join("\n", extra) + "\n";
    }

    /** Starts a Tidepool node JVM in {@code host}; returns once it is running and left INITIALIZE. */
    Node tidepool(Host host, String config) throws Exception {
        Path file = dir.resolve(host.name() + ".ini");
        Files.writeString(file, config);
        String classpath = Path.of("target/classes").toAbsolutePath() + ":" + Path.of("target/test-classes")
                .toAbsolutePath();
        Process process = net.startPiped(host, List.of(JAVA.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %5$s%6$s%n",
                "-cp", classpath, VrrpTestNode.class.getName(), file.toString(), host.name(), String.valueOf(PORT)),
                dir.resolve(host.name() + ".log"));
        var node = new Node(host, process);
        node.await("READY", Duration.ofSeconds(20));
        node.await("TRANSITION ", Duration.ofSeconds(5));     // the Startup transition, so later marks exclude it
        return node;
    }

    /** Starts keepalived 2.2.7 (VRRP only, foreground, no respawn) in {@code host} with this config. */
    Process keepalived(Host host, String config) throws IOException {
        Path conf = dir.resolve(host.name() + "-keepalived.conf");
        Files.writeString(conf, config);
        Path log = dir.resolve(host.name() + "-keepalived.log");
        String base = dir.resolve(host.name()).toString();
        for (String pid : List.of("-ka.pid", "-vrrp.pid", "-chk.pid", "-bfd.pid")) {
            Files.deleteIfExists(Path.of(base + pid));   // left behind by a kill -9; keepalived would refuse to start
        }
        return net.start(host, List.of("/usr/sbin/keepalived", "-n", "-l", "-D", "-G", "-P", "-R", "-f",
                conf.toString(), "-p", base + "-ka.pid", "-r", base + "-vrrp.pid", "-c", base + "-chk.pid",
                "-b", base + "-bfd.pid"), log);
    }

    /** keepalived's configuration for the same VRID; {@code instanceExtra} goes inside vrrp_instance. */
    static String keepalivedConf(int version, int priority, String advertInt, String instanceExtra) {
        return """
                global_defs {
                    router_id tidepool_it
                    vrrp_version %d
                    vrrp_garp_master_repeat 3
                    vrrp_garp_master_delay 1
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int %s
                    virtual_ipaddress {
                        %s/24
                    }
                    %s
                }
                """.formatted(version, priority, advertInt, VIP, instanceExtra);
    }

    /** A stand-in service in {@code host} (for keepalived nodes): answers every connection with {@code name}. */
    void listener(Host host, String name) throws Exception {
        ServerSocket server = net.call(host, () -> {
            var s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(PORT));
            return s;
        }).get(10, TimeUnit.SECONDS);
        listeners.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept()) {
                    c.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }
        });
    }

    /**
     * Probes the VIP from the client every 10 ms (50 ms connect timeout, as VRRP-NOTES §5.2) until {@code expected}
     * answers; returns the {@link System#nanoTime()} of that answer.
     */
    long firstAnswerFrom(String expected, Duration timeout) throws Exception {
        return answerFrom(expected, timeout).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
    }

    /** Starts probing now (before the action under test) and completes with the first answer's nanoTime. */
    java.util.concurrent.CompletableFuture<Long> answerFrom(String expected, Duration timeout) {
        return net.call(client, () -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "nothing";
            while (System.nanoTime() - deadline < 0) {
                try (var socket = new Socket()) {
                    socket.connect(new InetSocketAddress(VIP, PORT), 50);
                    socket.setSoTimeout(50);   // a connection that straddles the move must not stall the probe
                    var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                    String who = in.readLine();
                    if (expected.equals(who)) {
                        return System.nanoTime();
                    }
                    last = who;
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(10);
            }
            throw new AssertionError("VIP " + VIP + " not answered by " + expected + " within " + timeout
                    + "; last answer: " + last);
        });
    }

    boolean hasVip(Host host) {
        return net.addresses(host).contains(" " + VIP + "/");
    }

    /** Polls until {@code host} has (or lacks) the VIP; returns the nanoTime when it did. */
    long awaitVip(Host host, boolean present, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (hasVip(host) == present) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(host.name() + (present ? " never got " : " still has ") + "VIP " + VIP
                + " after " + timeout + ": " + net.addresses(host));
    }

    static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** Prints a measured figure (tests print timings; they never assert them tightly). */
    static void report(String what, long nanos, String bound) {
        System.out.printf("[vrrp-timing] %-62s %9.2f ms   (%s)%n", what, millis(nanos), bound);
    }

    @Override
    public void close() {
        for (ServerSocket s : listeners) {
            try {
                s.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        net.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory: best effort
        }
    }

    /** One Tidepool node process and its stdout protocol. */
    static final class Node {
        final Host host;
        final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Writer stdin;

        Node(Host host, Process process) {
            this.host = host;
            this.process = process;
            this.stdin = process.outputWriter(StandardCharsets.UTF_8);
            Thread.ofVirtual().start(() -> {
                try (var out = process.inputReader(StandardCharsets.UTF_8)) {
                    for (String line; (line = out.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
        }

        /** Waits for the first line (at or after index {@code from}) starting with {@code prefix}. */
        String await(String prefix, int from, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (true) {
                    for (int i = from; i < lines.size(); i++) {
                        if (lines.get(i).startsWith(prefix)) {
                            return lines.get(i);
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(host.name() + ": no '" + prefix + "' within " + timeout
                                + "; output: " + lines);
                    }
                    lines.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        String await(String prefix, Duration timeout) throws InterruptedException {
            return await(prefix, 0, timeout);
        }

        int mark() {
            synchronized (lines) {
                return lines.size();
            }
        }

        /** Waits for a transition into {@code state} after {@code mark}; returns its nanoTime. */
        long awaitState(VrrpState state, int mark, Duration timeout) throws InterruptedException {
            String line = awaitTransition(state, mark, timeout);
            return Long.parseLong(line.split(" ")[1]);
        }

        private String awaitTransition(VrrpState state, int mark, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            int from = mark;
            while (true) {
                String line = await("TRANSITION ", from, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (line.split(" ")[3].equals(state.name())) {
                    return line;
                }
                synchronized (lines) {
                    from = lines.indexOf(line) + 1;
                }
            }
        }

        List<String> transitionsSince(int mark) {
            synchronized (lines) {
                return lines.subList(mark, lines.size()).stream().filter(l -> l.startsWith("TRANSITION ")).toList();
            }
        }

        String status() throws Exception {
            int mark = mark();
            command("status");
            return await("STATUS ", mark, Duration.ofSeconds(5));
        }

        /** Graceful stop (priority 0, VIPs removed); returns the nanoTime just before close() began. */
        long stop() throws Exception {
            int mark = mark();
            command("stop");
            String line = await("STOPPED ", mark, Duration.ofSeconds(10));
            process.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(line.split(" ")[1]);
        }

        void kill9() {
            NetNs.kill9(process);
        }

        private void command(String text) throws IOException {
            stdin.write(text + "\n");
            stdin.flush();
        }
    }
}
