package io.tidepool.wire;

import io.netty.handler.codec.DecoderException;
import io.tidepool.wire.error.SqlState;

import java.util.Objects;

/**
 * Bad bytes on the wire: a malformed, oversized or out-of-state message. The connection that sent it is closed, after
 * an ErrorResponse carrying {@link #sqlState()} where the protocol allows one. Texts follow Netty's form:
 * {@code "message 'D' length: 1073741830 (expected: 4..1073741823)"}.
 */
public final class ProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final SqlState sqlState;

    public ProtocolException(SqlState sqlState, String message) {
        super(message);
        this.sqlState = Objects.requireNonNull(sqlState, "sqlState");
    }

    public ProtocolException(String message) {
        this(SqlState.PROTOCOL_VIOLATION, message);
    }

    public SqlState sqlState() {
        return sqlState;
    }
}
