package io.tidepool.auth.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.backend.Authentication;
import io.tidepool.wire.backend.ErrorResponse;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.tidepool.wire.frontend.FrontendMessage;
import io.tidepool.wire.frontend.SSLRequest;
import io.tidepool.wire.frontend.StartupMessage;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A blocking wire-protocol client over a plain socket for tests: sends our frontend records, reads backend frames and
 * decodes the Authentication and ErrorResponse ones with the wire-protocol records.
 */
public final class PgWireClient implements AutoCloseable {
    /** A backend message: its type byte and body. */
    public record Message(byte type, byte[] body) {
        public Authentication authentication() {
            return Authentication.decode(Unpooled.wrappedBuffer(body));
        }

        public ErrorResponse error() {
            return ErrorResponse.decode(Unpooled.wrappedBuffer(body));
        }
    }

    private Socket socket;
    private DataInputStream in;
    private OutputStream out;

    public PgWireClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void startup(String user, String database) throws IOException {
        var buf = Unpooled.buffer();
        try {
            new StartupMessage(196608, Map.of("user", user, "database", database)).encode(buf);
            write(buf);
        } finally {
            buf.release();
        }
    }

    /**
     * SSLRequest, then a TLS handshake with {@code context} (JDK provider) over the same socket; returns the server's
     * leaf certificate. Fails if the server answers anything but 'S'.
     */
    public X509Certificate startTls(SslContext context) throws IOException {
        var buf = Unpooled.buffer();
        try {
            SSLRequest.INSTANCE.encode(buf);
            write(buf);
        } finally {
            buf.release();
        }
        int answer = in.read();
        if (answer != 'S') {
            throw new IOException("SSLRequest answered with " + answer);
        }
        SSLContext jdk = ((JdkSslContext) context).context();
        var tls = (SSLSocket) jdk.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = new DataInputStream(tls.getInputStream());
        out = tls.getOutputStream();
        return (X509Certificate) tls.getSession().getPeerCertificates()[0];
    }

    public void send(FrontendMessage message) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            message.encode(buf);
            write(buf);
        } finally {
            buf.release();
        }
    }

    public Message read() throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        if (length < 4 || length > 1 << 20) {
            throw new IOException("backend message length " + length);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    private void write(ByteBuf buf) throws IOException {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
