package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.Frame;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.buf.Bodies;

/**
 * Decodes whole client-to-server {@link Frame}s into records: for tests, fakes, the admin console and the few places
 * the pooler inspects a client message. The data path forwards frames without calling this (DESIGN rule 1).
 *
 * <p>A {@code 'p'} frame is ambiguous: PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse share the
 * type byte and only the authentication exchange knows which one it asked for (pgproto3's {@code SetAuthType}).
 * {@link #decode} therefore refuses {@code 'p'}; the exchange calls the matching {@code decodeXxx} method. Stateless
 * and thread-safe; none of the methods releases the frame.
 */
public final class FrontendMessages {
    private FrontendMessages() {
    }

    /**
     * Decodes a typed frontend frame other than {@code 'p'}.
     *
     * @throws ProtocolException on a malformed body, an unknown or backend-only type byte, or {@code 'p'}
     */
    public static FrontendMessage decode(Frame frame) {
        ByteBuf body = frame.body();
        return switch (frame.type()) {
            case Query.TYPE -> Query.decode(body);
            case Parse.TYPE -> Parse.decode(body);
            case Bind.TYPE -> Bind.decode(body);
            case Describe.TYPE -> Describe.decode(body);
            case Execute.TYPE -> Execute.decode(body);
            case Close.TYPE -> Close.decode(body);
            case FunctionCall.TYPE -> FunctionCall.decode(body);
            case CopyData.TYPE -> CopyData.decode(body);
            case CopyFail.TYPE -> CopyFail.decode(body);
            case Sync.TYPE -> empty(body, "Sync", Sync.INSTANCE);
            case Flush.TYPE -> empty(body, "Flush", Flush.INSTANCE);
            case CopyDone.TYPE -> empty(body, "CopyDone", CopyDone.INSTANCE);
            case Terminate.TYPE -> empty(body, "Terminate", Terminate.INSTANCE);
            case PasswordMessage.TYPE -> throw new ProtocolException("unexpected authentication message 'p': no "
                    + "password, SASL or GSS response was requested");
            default -> throw new ProtocolException("invalid frontend message type '"
                    + Printable.typeChar(frame.type()) + "'");
        };
    }

    /** Decodes a {@code 'p'} frame sent in answer to AuthenticationCleartextPassword or AuthenticationMD5Password. */
    public static PasswordMessage decodePassword(Frame frame) {
        return PasswordMessage.decode(authBody(frame));
    }

    /** Decodes a {@code 'p'} frame sent in answer to AuthenticationSASL. */
    public static SASLInitialResponse decodeSASLInitialResponse(Frame frame) {
        return SASLInitialResponse.decode(authBody(frame));
    }

    /** Decodes a {@code 'p'} frame sent in answer to AuthenticationSASLContinue. */
    public static SASLResponse decodeSASLResponse(Frame frame) {
        return SASLResponse.decode(authBody(frame));
    }

    /** Decodes a {@code 'p'} frame sent in answer to AuthenticationGSS, AuthenticationSSPI or GSSContinue. */
    public static GSSResponse decodeGSSResponse(Frame frame) {
        return GSSResponse.decode(authBody(frame));
    }

    private static ByteBuf authBody(Frame frame) {
        if (frame.type() != PasswordMessage.TYPE) {
            throw new ProtocolException("expected authentication response 'p', received message '"
                    + Printable.typeChar(frame.type()) + "'");
        }
        return frame.body();
    }

    private static <T extends FrontendMessage> T empty(ByteBuf body, String name, T instance) {
        Bodies.requireLength(name, body, 0);
        return instance;
    }
}
