package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.Frame;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.buf.Bodies;

/**
 * Decodes any whole server-to-client {@link Frame} into its record: for tests, fakes and diagnostics. The data path
 * decodes only {@link ControlMessage}s, through {@link ControlMessages}; everything else is forwarded as bytes.
 * Stateless and thread-safe; does not release the frame.
 */
public final class BackendMessages {
    private BackendMessages() {
    }

    /**
     * Decodes a typed backend frame.
     *
     * @throws ProtocolException on a malformed body or a type byte the backend never sends
     */
    public static BackendMessage decode(Frame frame) {
        if (ControlMessages.isControl(frame.type())) {
            return ControlMessages.decode(frame);
        }
        ByteBuf body = frame.body();
        return switch (frame.type()) {
            case NoticeResponse.TYPE -> NoticeResponse.decode(body);
            case RowDescription.TYPE -> RowDescription.decode(body);
            case DataRow.TYPE -> DataRow.decode(body);
            case CommandComplete.TYPE -> CommandComplete.decode(body);
            case NotificationResponse.TYPE -> NotificationResponse.decode(body);
            case ParameterDescription.TYPE -> ParameterDescription.decode(body);
            case CopyInResponse.TYPE -> CopyInResponse.decode(body);
            case CopyOutResponse.TYPE -> CopyOutResponse.decode(body);
            case CopyBothResponse.TYPE -> CopyBothResponse.decode(body);
            case CopyData.TYPE -> CopyData.decode(body);
            case FunctionCallResponse.TYPE -> FunctionCallResponse.decode(body);
            case EmptyQueryResponse.TYPE -> empty(body, "EmptyQueryResponse", EmptyQueryResponse.INSTANCE);
            case NoData.TYPE -> empty(body, "NoData", NoData.INSTANCE);
            case PortalSuspended.TYPE -> empty(body, "PortalSuspended", PortalSuspended.INSTANCE);
            case ParseComplete.TYPE -> empty(body, "ParseComplete", ParseComplete.INSTANCE);
            case BindComplete.TYPE -> empty(body, "BindComplete", BindComplete.INSTANCE);
            case CloseComplete.TYPE -> empty(body, "CloseComplete", CloseComplete.INSTANCE);
            case CopyDone.TYPE -> empty(body, "CopyDone", CopyDone.INSTANCE);
            default -> throw new ProtocolException("invalid backend message type '" + Printable.typeChar(frame.type())
                    + "'");
        };
    }

    private static <T extends BackendMessage> T empty(ByteBuf body, String name, T instance) {
        Bodies.requireLength(name, body, 0);
        return instance;
    }
}
