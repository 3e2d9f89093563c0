package io.tidepool.vip.system;

import io.tidepool.vip.VrrpInstance;
import io.tidepool.vip.VrrpStatus;
import io.tidepool.vip.config.IniSections;
import io.tidepool.vip.config.VrrpConfig;
import io.tidepool.vip.track.HealthSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Tidepool VRRP node for the system tests, run as its own JVM inside a namespace: one {@link VrrpInstance} from an
 * ini file plus a stand-in service, a TCP listener on 0.0.0.0:PORT that answers with the node's name (what a client
 * reaches through the VIP). Protocol on stdout: {@code READY}, {@code TRANSITION <nanoTime> <from> <to> <reason>},
 * {@code STATUS ...}; on stdin: {@code status}, {@code stop} (graceful close, then exit).
 *
 * <p>Usage: {@code VrrpTestNode CONFIG.ini NAME PORT}.
 */
public final class VrrpTestNode {
    private VrrpTestNode() {
    }

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        var sections = IniSections.read(Path.of(args[0]));
        VrrpConfig config = VrrpConfig.parse(sections.getOrDefault("vrrp", Map.of()), IniSections.scripts(sections));
        String name = args[1];
        var server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(Integer.parseInt(args[2])));
        Thread.ofVirtual().start(() -> serve(server, name));
        VrrpInstance instance = VrrpInstance.start(config, HealthSource.NONE, (from, to, reason, status) ->
                out.println("TRANSITION " + System.nanoTime() + " " + from + " " + to + " " + reason));
        Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
        out.println("READY " + System.nanoTime());
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.strip()) {
                case "status" -> out.println(format(instance.status()));
                case "stop" -> {
                    long before = System.nanoTime();
                    instance.close();
                    out.println("STOPPED " + before);
                    System.exit(0);
                }
                default -> out.println("ERROR unknown command " + line);
            }
        }
        Thread.currentThread().join();    // stdin closed: keep running until killed
    }

    private static String format(VrrpStatus s) {
        var drops = new StringBuilder();
        s.dropped().forEach((reason, n) -> drops.append(drops.isEmpty() ? "" : ",").append(reason).append(':')
                .append(n));
        return "STATUS state=" + s.state() + " base=" + s.basePriority() + " effective=" + s.effectivePriority()
                + " master=" + (s.masterIp() == null ? "-" : s.masterIp().getHostAddress()) + " received="
                + s.advertsReceived() + " sent=" + s.advertsSent() + " drops=" + drops + " last=" + s.lastTransitionReason();
    }

    private static void serve(ServerSocket server, String name) {
        while (true) {
            try (Socket client = server.accept()) {
                client.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }
}
