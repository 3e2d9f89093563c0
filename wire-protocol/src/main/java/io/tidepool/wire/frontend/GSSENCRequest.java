package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.StartupCode;

/** GSSENCRequest: the client asks for GSSAPI encryption. Tidepool answers 'N' and the client may continue. */
public record GSSENCRequest() implements StartupPacket {
    public static final GSSENCRequest INSTANCE = new GSSENCRequest();

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(8).writeInt(StartupCode.GSSENC_REQUEST);
    }
}
