package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;

import java.util.Objects;

/** ReadyForQuery ('Z'): the backend finished a request cycle and reports its transaction state. */
public record ReadyForQuery(TransactionStatus status) implements ControlMessage {
    public static final byte TYPE = 'Z';
    public static final ReadyForQuery IDLE = new ReadyForQuery(TransactionStatus.IDLE);

    public ReadyForQuery {
        Objects.requireNonNull(status, "status");
    }

    public static ReadyForQuery decode(ByteBuf body) {
        Bodies.requireLength("ReadyForQuery", body, 1);
        return new ReadyForQuery(TransactionStatus.of(body.readByte()));
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeByte(TYPE).writeInt(5).writeByte(status.code());
    }
}
