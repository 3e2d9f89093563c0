package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.StartupCode;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;
import org.jspecify.annotations.Nullable;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * StartupMessage: the protocol version and the session parameters ({@code user}, {@code database}, {@code options},
 * GUCs, {@code _pq_.} protocol options), in the order the client sent them.
 */
public record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {
    public StartupMessage {
        Objects.requireNonNull(parameters, "parameters");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Decodes the body after the version word. The caller has bounded the packet's size already
     * (MAX_STARTUP_PACKET_LENGTH), so every string here is bounded by the packet.
     */
    public static StartupMessage decode(int protocolVersion, ByteBuf body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            if (!body.isReadable()) {
                throw new ProtocolException("StartupMessage: missing terminating NUL");
            }
            // Names are GUC or protocol-option identifiers: malformed UTF-8 is an attack or a bug (RELIABILITY 4).
            String name = CStrings.readUtf8(body, body.readableBytes(), "StartupMessage parameter name");
            if (name.isEmpty()) {
                break;
            }
            String value = CStrings.read(body, "StartupMessage value of \"" + name + "\"");
            if (parameters.putIfAbsent(name, value) != null) {
                throw new ProtocolException("StartupMessage parameter: \"" + name + "\" given twice");
            }
        }
        if (body.isReadable()) {
            throw new ProtocolException("StartupMessage: " + body.readableBytes()
                    + " unexpected bytes after the terminating NUL");
        }
        return new StartupMessage(protocolVersion, parameters);
    }

    public @Nullable String user() {
        return parameters.get("user");
    }

    /** The database, defaulting to the user name as in PostgreSQL. */
    public @Nullable String database() {
        String database = parameters.get("database");
        return database != null && !database.isEmpty() ? database : user();
    }

    public int majorVersion() {
        return StartupCode.major(protocolVersion);
    }

    public int minorVersion() {
        return StartupCode.minor(protocolVersion);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.beginUntyped(out);
        out.writeInt(protocolVersion);
        parameters.forEach((name, value) -> {
            CStrings.write(out, name);
            CStrings.write(out, value);
        });
        out.writeByte(0);
        LengthPrefix.end(out, at);
    }
}
