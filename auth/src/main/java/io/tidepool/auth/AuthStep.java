package io.tidepool.auth;

import io.tidepool.wire.backend.Authentication;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * What a server-side exchange (we authenticate a client) wants next. The client session switches over it
 * exhaustively: send a challenge, finish (after sending {@link Done#finalMessage()} if any, then AuthenticationOk),
 * or fail with an ErrorResponse and close.
 */
public sealed interface AuthStep {
    /** Send this challenge and wait for the client's next 'p' message. */
    record Send(Authentication message) implements AuthStep {
        public Send {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The client proved who it is. {@code finalMessage} (SCRAM's AuthenticationSASLFinal) goes before
     * AuthenticationOk when present.
     */
    record Done(String identity, @Nullable Authentication finalMessage) implements AuthStep {
        public Done {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /**
     * Authentication failed. {@code message} is what the client sees (PostgreSQL's wording, the same for every
     * credential failure so that it reveals nothing); {@code detail} is for the server log only and never contains
     * a password, proof, key or secret.
     */
    record Fail(SqlState sqlState, String message, String detail) implements AuthStep {
        public Fail {
            Objects.requireNonNull(sqlState, "sqlState");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(detail, "detail");
        }

        /** 28P01 with PostgreSQL's text {@code password authentication failed for user "X"}. */
        public static Fail password(String user, String detail) {
            return new Fail(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"",
                    detail);
        }

        /** The same outcome as a thrown {@link AuthenticationException}. */
        public AuthenticationException toException() {
            return new AuthenticationException(sqlState, message);
        }
    }
}
