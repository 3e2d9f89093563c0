package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** PortalSuspended ('s'): Execute reached its row limit; the portal can be executed again for more rows. */
public record PortalSuspended() implements BackendPassThrough {
    public static final byte TYPE = 's';
    public static final PortalSuspended INSTANCE = new PortalSuspended();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(4);
    }
}
