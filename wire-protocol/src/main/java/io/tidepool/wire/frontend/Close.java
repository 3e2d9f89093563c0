package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/** Close ('C'): closes a prepared statement or portal; answered with CloseComplete even if it did not exist. */
public record Close(ObjectKind kind, String name) implements FrontendPassThrough {
    public static final byte TYPE = 'C';

    public Close {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static Close decode(ByteBuf body) {
        ObjectKind kind = ObjectKind.of(Bodies.readByte(body, "Close kind"), "Close");
        String name = CStrings.read(body, "Close name");
        Bodies.requireFullyRead("Close", body);
        return new Close(kind, name);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeByte(kind.code());
        CStrings.write(out, name);
        LengthPrefix.end(out, at);
    }
}
