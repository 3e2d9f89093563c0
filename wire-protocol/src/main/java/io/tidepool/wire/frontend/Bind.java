package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;
import org.jspecify.annotations.Nullable;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bind ('B'): binds parameter values to a prepared statement, creating a portal. Parameter values are raw bytes in
 * the format their format code says; a {@code null} element is SQL NULL (length -1 on the wire).
 *
 * <p>Every count and length is checked against the bytes actually received before anything is allocated
 * (RELIABILITY case 13: nparams 65535 with a short body, parameter length -2 or 2^31-1).
 */
public record Bind(String portal, String statement, int[] parameterFormats, byte[] @Nullable [] parameters,
        int[] resultFormats) implements FrontendPassThrough {
    public static final byte TYPE = 'B';

    public Bind {
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(statement, "statement");
        parameterFormats = formats("Bind parameter format", parameterFormats);
        parameters = Objects.requireNonNull(parameters, "parameters").clone();
        Bodies.requireCount("Bind parameter count", parameters.length);
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = parameters[i] == null ? null : parameters[i].clone();
        }
        resultFormats = formats("Bind result format", resultFormats);
    }

    private static int[] formats(String what, int[] formats) {
        int[] copy = Objects.requireNonNull(formats, what + "s").clone();
        Bodies.requireCount(what + " count", copy.length);
        for (int format : copy) {
            Bodies.requireInt16(what, format);
        }
        return copy;
    }

    public static Bind decode(ByteBuf body) {
        String portal = CStrings.read(body, "Bind portal name");
        String statement = CStrings.read(body, "Bind statement name");
        int[] parameterFormats = Bodies.readInt16s(body, Bodies.readCount(body, 2, "Bind parameter format count"));
        // Each parameter needs at least its Int32 length, so the count is bounded by the bytes left.
        int count = Bodies.readCount(body, 4, "Bind parameter count");
        byte[][] parameters = new byte[count][];
        for (int i = 0; i < count; i++) {
            parameters[i] = Bodies.readNullableBytes(body, "Bind parameter " + (i + 1));
        }
        int[] resultFormats = Bodies.readInt16s(body, Bodies.readCount(body, 2, "Bind result format count"));
        Bodies.requireFullyRead("Bind", body);
        return new Bind(portal, statement, parameterFormats, parameters, resultFormats);
    }

    @Override
    public int[] parameterFormats() {
        return parameterFormats.clone();
    }

    /** A deep copy: the caller cannot change this record's values. */
    @Override
    public byte[] @Nullable [] parameters() {
        byte[][] copy = parameters.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = copy[i] == null ? null : copy[i].clone();
        }
        return copy;
    }

    @Override
    public int[] resultFormats() {
        return resultFormats.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, portal);
        CStrings.write(out, statement);
        Bodies.writeInt16s(out, parameterFormats);
        out.writeShort(parameters.length);
        for (byte[] parameter : parameters) {
            Bodies.writeNullableBytes(out, parameter);
        }
        Bodies.writeInt16s(out, resultFormats);
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bind other && portal.equals(other.portal) && statement.equals(other.statement)
                && Arrays.equals(parameterFormats, other.parameterFormats)
                && Arrays.deepEquals(parameters, other.parameters)
                && Arrays.equals(resultFormats, other.resultFormats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(portal, statement, Arrays.hashCode(parameterFormats), Arrays.deepHashCode(parameters),
                Arrays.hashCode(resultFormats));
    }

    /** Shows parameter sizes, not values: they may be secrets. */
    @Override
    public String toString() {
        var sizes = new StringBuilder();
        for (byte[] parameter : parameters) {
            sizes.append(sizes.isEmpty() ? "" : ", ").append(parameter == null ? "NULL" : parameter.length + " bytes");
        }
        return "Bind[portal=" + portal + ", statement=" + statement + ", parameterFormats="
                + Arrays.toString(parameterFormats) + ", parameters=[" + sizes + "], resultFormats="
                + Arrays.toString(resultFormats) + "]";
    }
}
