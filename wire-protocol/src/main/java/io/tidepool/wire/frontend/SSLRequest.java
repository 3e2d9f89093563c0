package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.StartupCode;

/** SSLRequest: the client asks for TLS before the StartupMessage. Answered with one byte, 'S' or 'N'. */
public record SSLRequest() implements StartupPacket {
    public static final SSLRequest INSTANCE = new SSLRequest();

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(8).writeInt(StartupCode.SSL_REQUEST);
    }
}
