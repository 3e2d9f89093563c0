package io.tidepool.wire.backend;

import io.tidepool.wire.Frame;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;

/** Decodes the backend frames that drive state; everything else stays a {@link Frame}. */
public final class ControlMessages {
    private ControlMessages() {
    }

    /** Whether frames of this type are decoded on the data path. */
    public static boolean isControl(byte type) {
        return switch (type) {
            case ReadyForQuery.TYPE, ParameterStatus.TYPE, ErrorResponse.TYPE, BackendKeyData.TYPE,
                 NegotiateProtocolVersion.TYPE, Authentication.TYPE -> true;
            default -> false;
        };
    }

    /** Decodes a control frame; does not release it. */
    public static ControlMessage decode(Frame frame) {
        var body = frame.body();
        return switch (frame.type()) {
            case ReadyForQuery.TYPE -> ReadyForQuery.decode(body);
            case ParameterStatus.TYPE -> ParameterStatus.decode(body);
            case ErrorResponse.TYPE -> ErrorResponse.decode(body);
            case BackendKeyData.TYPE -> BackendKeyData.decode(body);
            case NegotiateProtocolVersion.TYPE -> NegotiateProtocolVersion.decode(body);
            case Authentication.TYPE -> Authentication.decode(body);
            default -> throw new ProtocolException("message '" + Printable.typeChar(frame.type())
                    + "' is not a control message");
        };
    }
}
