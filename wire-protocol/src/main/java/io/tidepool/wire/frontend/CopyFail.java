package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/** CopyFail ('f'): the client aborts COPY FROM STDIN; the server answers with an ErrorResponse quoting the message. */
public record CopyFail(String message) implements FrontendPassThrough {
    public static final byte TYPE = 'f';

    public CopyFail {
        Objects.requireNonNull(message, "message");
    }

    public static CopyFail decode(ByteBuf body) {
        String message = CStrings.read(body, "CopyFail message");
        Bodies.requireFullyRead("CopyFail", body);
        return new CopyFail(message);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, message);
        LengthPrefix.end(out, at);
    }
}
