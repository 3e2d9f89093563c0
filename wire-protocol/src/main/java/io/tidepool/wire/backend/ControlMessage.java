package io.tidepool.wire.backend;

/**
 * The backend messages that drive the pooler's state and are therefore decoded on the data path: a {@code switch}
 * over this type is exhaustive without a default.
 */
public sealed interface ControlMessage extends BackendMessage
        permits ReadyForQuery, ParameterStatus, ErrorResponse, BackendKeyData, NegotiateProtocolVersion,
        Authentication {
}
