package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;
import org.jspecify.annotations.Nullable;

import java.util.Arrays;
import java.util.Objects;

/**
 * FunctionCall ('F'): the fast-path function call (libpq's {@code PQfn}, used by the large-object functions). A
 * {@code null} argument is SQL NULL (length -1). Counts as an outstanding request: the server ends it with
 * ReadyForQuery.
 */
public record FunctionCall(int functionOid, int[] argumentFormats, byte[] @Nullable [] arguments, int resultFormat)
        implements FrontendPassThrough {
    public static final byte TYPE = 'F';

    public FunctionCall {
        argumentFormats = Objects.requireNonNull(argumentFormats, "argumentFormats").clone();
        Bodies.requireCount("FunctionCall argument format count", argumentFormats.length);
        for (int format : argumentFormats) {
            Bodies.requireInt16("FunctionCall argument format", format);
        }
        arguments = Objects.requireNonNull(arguments, "arguments").clone();
        Bodies.requireCount("FunctionCall argument count", arguments.length);
        for (int i = 0; i < arguments.length; i++) {
            arguments[i] = arguments[i] == null ? null : arguments[i].clone();
        }
        Bodies.requireInt16("FunctionCall result format", resultFormat);
    }

    public static FunctionCall decode(ByteBuf body) {
        int oid = Bodies.readInt(body, "FunctionCall function OID");
        int[] formats = Bodies.readInt16s(body, Bodies.readCount(body, 2, "FunctionCall argument format count"));
        int count = Bodies.readCount(body, 4, "FunctionCall argument count");
        byte[][] arguments = new byte[count][];
        for (int i = 0; i < count; i++) {
            arguments[i] = Bodies.readNullableBytes(body, "FunctionCall argument " + (i + 1));
        }
        int resultFormat = Bodies.readShort(body, "FunctionCall result format");
        Bodies.requireFullyRead("FunctionCall", body);
        return new FunctionCall(oid, formats, arguments, resultFormat);
    }

    @Override
    public int[] argumentFormats() {
        return argumentFormats.clone();
    }

    /** A deep copy. */
    @Override
    public byte[] @Nullable [] arguments() {
        byte[][] copy = arguments.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = copy[i] == null ? null : copy[i].clone();
        }
        return copy;
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeInt(functionOid);
        Bodies.writeInt16s(out, argumentFormats);
        out.writeShort(arguments.length);
        for (byte[] argument : arguments) {
            Bodies.writeNullableBytes(out, argument);
        }
        out.writeShort(resultFormat);
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FunctionCall other && functionOid == other.functionOid
                && resultFormat == other.resultFormat && Arrays.equals(argumentFormats, other.argumentFormats)
                && Arrays.deepEquals(arguments, other.arguments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(functionOid, resultFormat, Arrays.hashCode(argumentFormats),
                Arrays.deepHashCode(arguments));
    }

    @Override
    public String toString() {
        var sizes = new StringBuilder();
        for (byte[] argument : arguments) {
            sizes.append(sizes.isEmpty() ? "" : ", ").append(argument == null ? "NULL" : argument.length + " bytes");
        }
        return "FunctionCall[functionOid=" + functionOid + ", argumentFormats=" + Arrays.toString(argumentFormats)
                + ", arguments=[" + sizes + "], resultFormat=" + resultFormat + "]";
    }
}
