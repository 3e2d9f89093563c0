package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Arrays;
import java.util.Objects;

/**
 * Parse ('P'): creates a prepared statement (the unnamed one when {@code name} is empty) from a query string, with
 * optional parameter type OIDs (0 leaves a type unspecified). Forwarded as received; decoded only when
 * transaction-mode prepared-statement tracking needs the name.
 */
public record Parse(String name, String query, int[] parameterTypes) implements FrontendPassThrough {
    public static final byte TYPE = 'P';

    public Parse {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(query, "query");
        parameterTypes = Objects.requireNonNull(parameterTypes, "parameterTypes").clone();
        Bodies.requireCount("Parse parameter type count", parameterTypes.length);
    }

    public static Parse decode(ByteBuf body) {
        String name = CStrings.read(body, "Parse statement name");
        String query = CStrings.read(body, "Parse query string");
        int count = Bodies.readCount(body, 4, "Parse parameter type count");
        int[] types = Bodies.readInt32s(body, count);
        Bodies.requireFullyRead("Parse", body);
        return new Parse(name, query, types);
    }

    @Override
    public int[] parameterTypes() {
        return parameterTypes.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, name);
        CStrings.write(out, query);
        out.writeShort(parameterTypes.length);
        for (int type : parameterTypes) {
            out.writeInt(type);
        }
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parse other && name.equals(other.name) && query.equals(other.query)
                && Arrays.equals(parameterTypes, other.parameterTypes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, query, Arrays.hashCode(parameterTypes));
    }

    @Override
    public String toString() {
        return "Parse[name=" + name + ", query=" + query + ", parameterTypes=" + Arrays.toString(parameterTypes) + "]";
    }
}
