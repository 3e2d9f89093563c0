package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/** Describe ('D'): asks for the description of a prepared statement or portal (empty name: the unnamed one). */
public record Describe(ObjectKind kind, String name) implements FrontendPassThrough {
    public static final byte TYPE = 'D';

    public Describe {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static Describe decode(ByteBuf body) {
        ObjectKind kind = ObjectKind.of(Bodies.readByte(body, "Describe kind"), "Describe");
        String name = CStrings.read(body, "Describe name");
        Bodies.requireFullyRead("Describe", body);
        return new Describe(kind, name);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeByte(kind.code());
        CStrings.write(out, name);
        LengthPrefix.end(out, at);
    }
}
