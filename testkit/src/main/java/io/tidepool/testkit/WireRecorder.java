package io.tidepool.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay that records what passes through it, for capturing golden bytes from real PostgreSQL and real
 * clients (STYLE 2.6). It listens on {@code 127.0.0.1:listenPort} and relays every accepted connection to
 * {@code targetHost:targetPort}; for connection {@code n} it writes {@code conn-n-frontend.hex} (client to server)
 * and {@code conn-n-backend.hex} (server to client) into the output directory.
 *
 * <p>File format (read by the wire-protocol tests' {@code Golden} loader): lines starting with {@code #} are
 * comments (the header given to the constructor, then the connection's addresses); every other line holds the bytes
 * of one {@code read()} from the socket as space-separated hex pairs, so the file also shows how the bytes arrived.
 *
 * <p>Threads: one virtual thread accepts, two virtual threads per connection copy bytes (one per direction). A
 * direction's file is written only by its own copier; {@link #close()} closes the listener and every relayed socket.
 * Usable from a test ({@code try (var r = WireRecorder.start(...))}) or from the command line via {@link #main}.
 */
public final class WireRecorder implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Path outputDirectory;
    private final List<String> header;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Thread> copiers = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private WireRecorder(ServerSocket listener, InetSocketAddress target, Path outputDirectory, List<String> header) {
        this.listener = listener;
        this.target = target;
        this.outputDirectory = outputDirectory;
        this.header = List.copyOf(header);
        this.acceptor = Thread.ofVirtual().name("wire-recorder-accept").start(this::acceptLoop);
    }

    /**
     * Starts recording.
     *
     * @param listenPort      loopback port to listen on; 0 picks a free one (see {@link #port()})
     * @param target          where to relay to
     * @param outputDirectory created if missing
     * @param header          comment lines (without {@code #}) put at the top of every file, e.g. the server version
     *                        and the capture command
     */
    public static WireRecorder start(int listenPort, InetSocketAddress target, Path outputDirectory,
            List<String> header) throws IOException {
        Files.createDirectories(outputDirectory);
        var listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        return new WireRecorder(listener, target, outputDirectory, header);
    }

    /** The port the relay listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** How many connections were accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** The frontend (client to server) file of connection {@code n}, counted from 1. */
    public Path frontendFile(int n) {
        return outputDirectory.resolve("conn-" + n + "-frontend.hex");
    }

    /** The backend (server to client) file of connection {@code n}, counted from 1. */
    public Path backendFile(int n) {
        return outputDirectory.resolve("conn-" + n + "-backend.hex");
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;                                     // closed
            }
            int n = connections.incrementAndGet();
            try {
                Socket server = new Socket();
                server.connect(target, 10_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                String peers = "connection " + n + ": " + client.getRemoteSocketAddress() + " -> "
                        + listener.getLocalSocketAddress() + " -> " + target;
                copiers.add(Thread.ofVirtual().name("wire-recorder-" + n + "-fe")
                        .start(() -> copy(client, server, frontendFile(n), peers + " (frontend: client to server)")));
                copiers.add(Thread.ofVirtual().name("wire-recorder-" + n + "-be")
                        .start(() -> copy(server, client, backendFile(n), peers + " (backend: server to client)")));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** Copies {@code from} to {@code to}, logging each read as one hex line; half-closes {@code to} at EOF. */
    private void copy(Socket from, Socket to, Path file, String description) {
        var hex = HexFormat.ofDelimiter(" ");
        try (Writer log = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             InputStream in = from.getInputStream()) {
            for (String line : header) {
                log.write("# " + line + "\n");
            }
            log.write("# " + description + "\n");
            log.flush();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                // Record before relaying, so a test that waits for the peer's answer sees the request on disk.
                log.write(hex.formatHex(buffer, 0, n) + "\n");
                log.flush();
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (SocketException e) {
            closeQuietly(to);                               // reset or closed by close(): the peer goes too
        } catch (IOException e) {
            closeQuietly(to);
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Waits until every relayed connection so far has ended in both directions (their files are complete). */
    public void awaitQuiet(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        for (Thread copier : new ArrayList<>(copiers)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || !copier.join(java.time.Duration.ofMillis(left))) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(WireRecorder::closeQuietly);
        try {
            acceptor.join(5_000);
            awaitQuiet(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    /**
     * {@code WireRecorder <listenPort> <targetHost> <targetPort> <outputDirectory> [header line]...}: records until
     * the process is stopped (SIGTERM/SIGINT close the relay and flush the files).
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: WireRecorder <listenPort> <targetHost> <targetPort> <outputDirectory>"
                    + " [header line]...");
            System.exit(2);
        }
        var header = List.of(args).subList(4, args.length);
        var recorder = start(Integer.parseInt(args[0]), new InetSocketAddress(args[1], Integer.parseInt(args[2])),
                Path.of(args[3]), header);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                recorder.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        }));
        System.out.println("recording 127.0.0.1:" + recorder.port() + " -> " + args[1] + ":" + args[2] + " into "
                + args[3]);
        recorder.acceptor.join();
    }
}
