package io.tidepool.wire.frontend;

import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;

/** The byte that says whether Describe or Close names a prepared statement ({@code 'S'}) or a portal ({@code 'P'}). */
public enum ObjectKind {
    /** {@code S}: a prepared statement. */
    STATEMENT('S'),
    /** {@code P}: a portal. */
    PORTAL('P');

    private final byte code;

    ObjectKind(char code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static ObjectKind of(byte code, String message) {
        return switch (code) {
            case 'S' -> STATEMENT;
            case 'P' -> PORTAL;
            default -> throw new ProtocolException(message + " kind: '" + Printable.typeChar(code)
                    + "' (expected: 'S' or 'P')");
        };
    }
}
