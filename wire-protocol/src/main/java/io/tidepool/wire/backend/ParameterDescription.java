package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Arrays;
import java.util.Objects;

/** ParameterDescription ('t'): the parameter type OIDs of a described prepared statement. */
public record ParameterDescription(int[] typeOids) implements BackendPassThrough {
    public static final byte TYPE = 't';

    public ParameterDescription {
        typeOids = Objects.requireNonNull(typeOids, "typeOids").clone();
        Bodies.requireCount("ParameterDescription parameter count", typeOids.length);
    }

    public static ParameterDescription decode(ByteBuf body) {
        int count = Bodies.readCount(body, 4, "ParameterDescription parameter count");
        int[] oids = Bodies.readInt32s(body, count);
        Bodies.requireFullyRead("ParameterDescription", body);
        return new ParameterDescription(oids);
    }

    @Override
    public int[] typeOids() {
        return typeOids.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeShort(typeOids.length);
        for (int oid : typeOids) {
            out.writeInt(oid);
        }
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterDescription other && Arrays.equals(typeOids, other.typeOids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(typeOids);
    }

    @Override
    public String toString() {
        return "ParameterDescription" + Arrays.toString(typeOids);
    }
}
