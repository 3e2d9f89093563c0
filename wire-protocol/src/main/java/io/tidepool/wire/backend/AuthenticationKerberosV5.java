package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;

/** AuthenticationKerberosV5 (R, 2): no longer supported by PostgreSQL; refused by the pooler. */
public record AuthenticationKerberosV5() implements Authentication {
    public static final int CODE = 2;
    public static final AuthenticationKerberosV5 INSTANCE = new AuthenticationKerberosV5();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(8).writeInt(CODE);
    }
}
