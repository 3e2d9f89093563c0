package io.tidepool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out free TCP ports on 127.0.0.1. A port is found by binding port 0 and closing the socket again; ports
 * already handed out in this JVM are never handed out twice, so two fixtures started back to back cannot collide
 * even before either has bound its port. Another process may still take a port between the check and its use;
 * {@link PostgresCluster} retries with a new port when that happens. Thread-safe.
 */
public final class PortAllocator {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private PortAllocator() {
    }

    /** A loopback port that was free a moment ago and that this JVM has not handed out before. */
    public static synchronized int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a loopback port", e);
            }
        }
        throw new TestkitException("no fresh loopback port after 100 attempts (handed out: " + HANDED_OUT.size() + ")");
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
