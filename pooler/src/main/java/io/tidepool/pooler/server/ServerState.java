package io.tidepool.pooler.server;

/**
 * Lifecycle of a server connection (DESIGN "State machines"). {@link ServerConnection#moveTo} is the only place that
 * changes it, and it moves the connection between its pool's lists so that list membership always equals state.
 */
public enum ServerState {
    /** TCP connect in progress. */
    CONNECTING,
    /** StartupMessage sent; authentication and the welcome messages in progress. */
    AUTHENTICATING,
    /** Running an internal query (connect_query, server_check_query, parameter sync); nobody may take it. */
    CHECKING,
    /** In the pool, ready for a client. */
    IDLE,
    /** Linked to a client; bytes flow both ways. */
    LINKED,
    /** Running server_reset_query after the client left. */
    RESETTING,
    /** Closed or closing; never reused. */
    CLOSED;

    boolean canMoveTo(ServerState to) {
        return switch (this) {
            case CONNECTING -> to == AUTHENTICATING || to == CLOSED;
            case AUTHENTICATING -> to == CHECKING || to == IDLE || to == CLOSED;
            case CHECKING -> to == IDLE || to == LINKED || to == CLOSED;
            case IDLE -> to == CHECKING || to == LINKED || to == CLOSED;
            case LINKED -> to == RESETTING || to == IDLE || to == CHECKING || to == CLOSED;
            case RESETTING -> to == IDLE || to == CLOSED;
            case CLOSED -> false;
        };
    }
}
