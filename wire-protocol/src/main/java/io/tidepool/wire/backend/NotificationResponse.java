package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/**
 * NotificationResponse ('A'): a NOTIFY on a channel this session LISTENs to. Arrives asynchronously, also between
 * queries; in transaction pooling a LISTENing session is pinned to its server (RELIABILITY P5).
 */
public record NotificationResponse(int processId, String channel, String payload) implements BackendPassThrough {
    public static final byte TYPE = 'A';

    public NotificationResponse {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(payload, "payload");
    }

    public static NotificationResponse decode(ByteBuf body) {
        int processId = Bodies.readInt(body, "NotificationResponse process id");
        String channel = CStrings.read(body, "NotificationResponse channel");
        String payload = CStrings.read(body, "NotificationResponse payload");
        Bodies.requireFullyRead("NotificationResponse", body);
        return new NotificationResponse(processId, channel, payload);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeInt(processId);
        CStrings.write(out, channel);
        CStrings.write(out, payload);
        LengthPrefix.end(out, at);
    }
}
