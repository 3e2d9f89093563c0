package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;

/**
 * The Authentication ('R') family: the int32 after the length says which request it is. Decoded while the pooler logs
 * in to a server; built when the pooler authenticates a client.
 */
public sealed interface Authentication extends ControlMessage
        permits AuthenticationOk, AuthenticationKerberosV5, AuthenticationCleartextPassword,
        AuthenticationMD5Password, AuthenticationGSS, AuthenticationGSSContinue, AuthenticationSSPI,
        AuthenticationSASL, AuthenticationSASLContinue, AuthenticationSASLFinal {
    byte TYPE = 'R';

    static Authentication decode(ByteBuf body) {
        Bodies.requireAtLeast("Authentication", body, 4);
        int code = body.readInt();
        Authentication message = switch (code) {
            case 0 -> AuthenticationOk.INSTANCE;
            case 2 -> AuthenticationKerberosV5.INSTANCE;
            case 3 -> AuthenticationCleartextPassword.INSTANCE;
            case 5 -> new AuthenticationMD5Password(Bodies.readBytes(body, 4, "AuthenticationMD5Password salt"));
            case 7 -> AuthenticationGSS.INSTANCE;
            case 8 -> new AuthenticationGSSContinue(Bodies.readBytes(body, body.readableBytes(), "GSS data"));
            case 9 -> AuthenticationSSPI.INSTANCE;
            case 10 -> AuthenticationSASL.decodeMechanisms(body);
            case 11 -> new AuthenticationSASLContinue(Bodies.readBytes(body, body.readableBytes(), "SASL data"));
            case 12 -> new AuthenticationSASLFinal(Bodies.readBytes(body, body.readableBytes(), "SASL data"));
            default -> throw new io.tidepool.wire.ProtocolException("Authentication request code: " + code
                    + " (expected: 0, 2, 3, 5, 7, 8, 9, 10, 11 or 12)");
        };
        Bodies.requireFullyRead("Authentication", body);
        return message;
    }

    /** Writes {@code 'R'}, the length and the request code, then {@code payload} bytes. */
    static void encode(ByteBuf out, int code, byte[] payload) {
        out.writeByte(TYPE).writeInt(8 + payload.length).writeInt(code).writeBytes(payload);
    }
}
