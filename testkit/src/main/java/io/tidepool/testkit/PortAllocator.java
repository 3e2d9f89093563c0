package io.tidepool.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Hands out free TCP ports on 127.0.0.1. A port is a random one in 20000..32767, below Linux's ephemeral range
 * (32768..60999), so the source ports of the many client connections a test opens never take it between the check
 * and the server's bind, and it is checked by binding it; ports already handed out in this JVM are never handed out
 * twice. Another process may still take a port between the check and its use; {@link PostgresCluster} and {@link
 * PgBouncerProcess} retry with a new port when that happens. Thread-safe.
 */
public final class PortAllocator {
    private static final int FIRST = 20000;
    private static final int LAST = 32767;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    private static final Random RANDOM = new Random();

    private PortAllocator() {
    }

    /** A loopback port that was free a moment ago and that this JVM has not handed out before. */
    public static synchronized int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = FIRST + RANDOM.nextInt(LAST - FIRST + 1);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                HANDED_OUT.add(port);
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new TestkitException("no free loopback port in " + FIRST + ".." + LAST + " after 1000 attempts"
                + " (handed out by this JVM: " + HANDED_OUT.size() + ")");
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port} right now. */
    public static boolean isListening(int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
