package io.tidepool.wire.backend;

import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;

/** The status byte of ReadyForQuery. An unknown byte is a protocol violation: a pooler must not guess. */
public enum TransactionStatus {
    /** {@code I}: not in a transaction block. */
    IDLE('I'),
    /** {@code T}: in a transaction block. */
    IN_TRANSACTION('T'),
    /** {@code E}: in a failed transaction block (queries rejected until the block ends). */
    FAILED('E');

    private final byte code;

    TransactionStatus(char code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static TransactionStatus of(byte code) {
        return switch (code) {
            case 'I' -> IDLE;
            case 'T' -> IN_TRANSACTION;
            case 'E' -> FAILED;
            default -> throw new ProtocolException("ReadyForQuery status: '" + Printable.typeChar(code)
                    + "' (expected: 'I', 'T' or 'E')");
        };
    }
}
