package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/**
 * Execute ('E'): runs a portal. {@code maxRows} 0 means no limit; when the limit is reached before the end the server
 * answers PortalSuspended instead of CommandComplete.
 */
public record Execute(String portal, int maxRows) implements FrontendPassThrough {
    public static final byte TYPE = 'E';

    public Execute {
        Objects.requireNonNull(portal, "portal");
    }

    public static Execute decode(ByteBuf body) {
        String portal = CStrings.read(body, "Execute portal name");
        int maxRows = Bodies.readInt(body, "Execute row limit");
        Bodies.requireFullyRead("Execute", body);
        return new Execute(portal, maxRows);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, portal);
        out.writeInt(maxRows);
        LengthPrefix.end(out, at);
    }
}
