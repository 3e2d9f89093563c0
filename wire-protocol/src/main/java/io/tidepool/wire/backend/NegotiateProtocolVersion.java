package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.ArrayList;
import java.util.List;

/**
 * NegotiateProtocolVersion ('v'): the newest minor version the server supports and the {@code _pq_.} options it did
 * not recognise. Sent once, before authentication, when a client asked for more than the server speaks.
 *
 * <p>Despite the documentation's wording ("newest minor protocol version"), PostgreSQL sends the whole version code
 * ({@code PG_PROTOCOL_LATEST}): 15.18 answered a 3.2 StartupMessage with {@code 00 03 00 00} = 196608 (golden fixture
 * {@code NegotiateProtocolVersion-protocol32}), and libpq compares it as a full code. So {@link #newestMinorVersion}
 * holds a value like {@link io.tidepool.wire.StartupCode#PROTOCOL_3_0}; use {@code StartupCode.minor(...)} on it.
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions)
        implements ControlMessage {
    public static final byte TYPE = 'v';

    public NegotiateProtocolVersion {
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }

    public static NegotiateProtocolVersion decode(ByteBuf body) {
        Bodies.requireAtLeast("NegotiateProtocolVersion", body, 8);
        int minor = body.readInt();
        int count = body.readInt();
        // Each option needs at least its NUL, so the count cannot exceed the bytes left.
        Bodies.requireRange("NegotiateProtocolVersion option count", count, 0, body.readableBytes());
        List<String> options = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            options.add(CStrings.read(body, "NegotiateProtocolVersion option"));
        }
        Bodies.requireFullyRead("NegotiateProtocolVersion", body);
        return new NegotiateProtocolVersion(minor, options);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeInt(newestMinorVersion).writeInt(unrecognizedOptions.size());
        unrecognizedOptions.forEach(option -> CStrings.write(out, option));
        LengthPrefix.end(out, at);
    }
}
