package io.tidepool.auth.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.backend.Authentication;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.frontend.FrontendMessage;
import io.tidepool.wire.frontend.StartupMessage;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

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

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

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
