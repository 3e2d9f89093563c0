package io.tidepool.pooler.client;

/**
 * Lifecycle of a client connection (DESIGN "State machines"). {@link ClientSession#moveTo} is the only place that
 * changes it.
 */
public enum ClientState {
    /** Waiting for the StartupMessage (SSLRequest/GSSENCRequest may come first). */
    STARTUP,
    /** TLS handshake in progress. */
    TLS_HANDSHAKE,
    /** Authentication exchange in progress. */
    AUTHENTICATING,
    /** Logged in, not linked to a server (transaction pooling between transactions). */
    IDLE,
    /** Queued for a server connection. */
    WAITING_FOR_SERVER,
    /** Linked to a server connection; bytes flow both ways. */
    LINKED,
    /** Leaving: an error may still be flushed. */
    CLOSING,
    /** Gone. */
    CLOSED;

    boolean canMoveTo(ClientState to) {
        return switch (this) {
            case STARTUP -> to == TLS_HANDSHAKE || to == AUTHENTICATING || to == WAITING_FOR_SERVER || to == CLOSING;
            case TLS_HANDSHAKE -> to == STARTUP || to == CLOSING;
            case AUTHENTICATING -> to == IDLE || to == WAITING_FOR_SERVER || to == CLOSING;
            case IDLE -> to == WAITING_FOR_SERVER || to == LINKED || to == CLOSING;
            case WAITING_FOR_SERVER -> to == LINKED || to == IDLE || to == CLOSING;
            case LINKED -> to == IDLE || to == WAITING_FOR_SERVER || to == CLOSING;
            case CLOSING -> to == CLOSED;
            case CLOSED -> false;
        };
    }

    /** Whether the client has not yet received ReadyForQuery for its login. */
    boolean isLoggingIn() {
        return this == STARTUP || this == TLS_HANDSHAKE || this == AUTHENTICATING;
    }
}
