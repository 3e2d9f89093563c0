package io.tidepool.pooler.it;

import org.jspecify.annotations.Nullable;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted wire-protocol client over a plain socket (RELIABILITY §4 "raw client"): sends arbitrary bytes, possibly
 * split at any offset, and reads framed replies, so a test can send what no real driver would. Builders for the
 * packets the tests need are static. One thread; close it.
 */
public final class RawClient implements AutoCloseable {
    /** Protocol 3.0 as a StartupMessage version word. */
    public static final int PROTOCOL_3_0 = 3 << 16;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawClient connect(String host, int port) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(10_000);
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("connect " + host + ":" + port, e);
        }
    }

    /** A raw client over an already connected socket (for example an SSLSocket after the handshake). */
    static RawClient over(Socket socket) {
        try {
            socket.setSoTimeout(10_000);
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("wrap " + socket, e);
        }
    }

    /** The client's own port: Tidepool's log lines name the peer as {@code 127.0.0.1:<this>}. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** The text by which this connection appears in Tidepool's log. */
    public String peer() {
        return "@127.0.0.1:" + localPort();
    }

    // ---- sending -----------------------------------------------------------------------------------------------

    public RawClient send(byte[]... parts) {
        try {
            for (byte[] part : parts) {
                out.write(part);
            }
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("send", e);
        }
    }

    /** Sends {@code bytes} in writes of {@code chunk} bytes with a short pause between them (separate segments). */
    public RawClient sendSplit(byte[] bytes, int chunk) {
        for (int at = 0; at < bytes.length; at += chunk) {
            send(java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunk)));
            sleep(Duration.ofMillis(2));
        }
        return this;
    }

    /** Whether a write fails (the peer closed); used where the server may close before taking everything. */
    public boolean trySend(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Half-close: FIN. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Abortive close: RST instead of FIN. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- receiving ---------------------------------------------------------------------------------------------

    /** One typed message, or null at end of stream (or connection reset). */
    public @Nullable Message read(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            int type = in.read();
            if (type < 0) {
                return null;
            }
            int length = in.readInt();
            if (length < 4 || length > 64 << 20) {
                throw new IllegalStateException("reply with length " + length + " after type '" + (char) type + "'");
            }
            byte[] body = new byte[length - 4];
            in.readFully(body);
            return new Message((byte) type, body);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no reply within " + timeout.toMillis() + " ms", e);
        } catch (EOFException e) {
            return null;
        } catch (IOException e) {
            return null;                                   // reset by peer: closed, too
        }
    }

    /** A single untyped byte (the answer to SSLRequest/GSSENCRequest), or -1 at end of stream. */
    public int readByte(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            return in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no reply byte within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Reads messages until ReadyForQuery (returned last); fails on end of stream. */
    public List<Message> untilReady(Duration timeout) {
        List<Message> messages = new ArrayList<>();
        while (true) {
            Message m = read(timeout);
            if (m == null) {
                throw new AssertionError("connection closed before ReadyForQuery; got " + messages);
            }
            messages.add(m);
            if (m.type() == 'Z') {
                return messages;
            }
        }
    }

    /**
     * Reads until the server closes the connection (or {@code timeout} passes): what came, whether it closed, and
     * when. The way bad-input tests observe "ErrorResponse, then close".
     */
    public Outcome untilClosed(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Message> messages = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Outcome(messages, false, (System.nanoTime() - start) / 1_000_000);
            }
            Message m;
            try {
                m = read(Duration.ofNanos(left));
            } catch (AssertionError timedOut) {
                return new Outcome(messages, false, (System.nanoTime() - start) / 1_000_000);
            }
            if (m == null) {
                return new Outcome(messages, true, (System.nanoTime() - start) / 1_000_000);
            }
            messages.add(m);
        }
    }

    /** Logs in (startup + everything up to ReadyForQuery); returns the replies. */
    public List<Message> login(String user, String database) {
        send(startup(PROTOCOL_3_0, "user", user, "database", database));
        List<Message> replies = untilReady(Duration.ofSeconds(10));
        for (Message m : replies) {
            if (m.type() == 'E') {
                throw new AssertionError("login failed: " + m.fields());
            }
        }
        return replies;
    }

    /** Sends a simple Query and reads up to ReadyForQuery. */
    public List<Message> query(String sql) {
        send(message('Q', cstring(sql)));
        return untilReady(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket the test is done with
        }
    }

    // ---- builders ----------------------------------------------------------------------------------------------

    /** A StartupMessage with the given version word and key/value strings (the terminating NUL is added). */
    public static byte[] startup(int version, String... keysAndValues) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String s : keysAndValues) {
            body.writeBytes(cstring(s));
        }
        body.write(0);
        return untyped(version, body.toByteArray());
    }

    /** An untyped packet: int32 length (including itself), int32 code, body. */
    public static byte[] untyped(int code, byte[] body) {
        return ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(code).put(body).array();
    }

    public static byte[] sslRequest() {
        return untyped(80877103, new byte[0]);
    }

    public static byte[] gssencRequest() {
        return untyped(80877104, new byte[0]);
    }

    public static byte[] cancelRequest(int pid, byte[] key) {
        return ByteBuffer.allocate(12 + key.length).putInt(12 + key.length).putInt(80877102).putInt(pid).put(key)
                .array();
    }

    /** A typed message: type byte, int32 length (body + 4), body. */
    public static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    /** A type byte and a declared length, with no body: the header of a lie. */
    public static byte[] header(int type, int declaredLength) {
        return ByteBuffer.allocate(5).put((byte) type).putInt(declaredLength).array();
    }

    public static byte[] cstring(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, z, 0, bytes.length);
        return z;
    }

    public static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    public static byte[] int16(int value) {
        return ByteBuffer.allocate(2).putShort((short) value).array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---- replies -----------------------------------------------------------------------------------------------

    /** One reply: type byte and body (without the length word). */
    public record Message(byte type, byte[] body) {
        /** The fields of an ErrorResponse or NoticeResponse, by field code ('S', 'V', 'C', 'M'...). */
        public Map<Character, String> fields() {
            Map<Character, String> fields = new LinkedHashMap<>();
            int at = 0;
            while (at < body.length && body[at] != 0) {
                char code = (char) body[at++];
                int end = at;
                while (end < body.length && body[end] != 0) {
                    end++;
                }
                fields.put(code, new String(body, at, end - at, StandardCharsets.UTF_8));
                at = end + 1;
            }
            return fields;
        }

        public String sqlState() {
            return fields().getOrDefault('C', "");
        }

        /** The whole message as it was on the wire, in hex. */
        public String hex() {
            return HexFormat.of().formatHex(message((char) type, body));
        }

        @Override
        public String toString() {
            return type == 'E' || type == 'N' ? (char) type + fields().toString()
                    : (char) type + "(" + body.length + " bytes)";
        }
    }

    /** What a connection did until it closed. */
    public record Outcome(List<Message> messages, boolean closed, long millis) {
        public @Nullable Message error() {
            return messages.stream().filter(m -> m.type() == 'E').findFirst().orElse(null);
        }

        public String sqlState() {
            Message error = error();
            return error == null ? "(no error)" : error.sqlState();
        }

        public String errorMessage() {
            Message error = error();
            return error == null ? "(no error)" : error.fields().getOrDefault('M', "");
        }

        @Override
        public String toString() {
            return messages + (closed ? " then closed" : " and still open") + " after " + millis + " ms";
        }
    }
}
