package io.tidepool.auth;

import io.tidepool.wire.error.SqlState;

import java.util.Objects;

/**
 * An authentication failed or was malformed. {@link #sqlState()} is what the client (or the log, on the server side)
 * sees: {@code 28P01} for a failed credential check, {@code 28000} for an hba rejection, {@code 08P01} for a
 * malformed exchange. The message never contains a password, proof, key or secret; it is safe to log and to send.
 *
 * <p>Thrown by the exchanges of this module on the thread that fed them bytes.
 */
public final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final SqlState sqlState;

    public AuthenticationException(SqlState sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = Objects.requireNonNull(sqlState, "sqlState");
    }

    /** A malformed message: {@code 08P01}. */
    public static AuthenticationException protocol(String message) {
        return new AuthenticationException(SqlState.PROTOCOL_VIOLATION, message);
    }

    /** PostgreSQL's wording for a failed password check: {@code 28P01}. */
    public static AuthenticationException passwordFailed(String user) {
        return new AuthenticationException(SqlState.INVALID_PASSWORD,
                "password authentication failed for user \"" + user + "\"");
    }

    public SqlState sqlState() {
        return sqlState;
    }
}
