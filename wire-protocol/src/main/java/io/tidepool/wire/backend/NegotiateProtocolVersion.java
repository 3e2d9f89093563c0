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
