package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * DataRow ('D'): one row; each value is raw bytes in the format RowDescription announced, {@code null} for SQL NULL
 * (length -1). The data path never decodes it (a large row is streamed as {@link io.tidepool.wire.FramePart}s); the
 * record serves the admin console's result sets, fakes and tests.
 */
public record DataRow(byte[] @Nullable [] values) implements BackendPassThrough {
    public static final byte TYPE = 'D';

    public DataRow {
        values = Objects.requireNonNull(values, "values").clone();
        Bodies.requireCount("DataRow column count", values.length);
        for (int i = 0; i < values.length; i++) {
            values[i] = values[i] == null ? null : values[i].clone();
        }
    }

    /** A row of text-format values ({@code null} for SQL NULL), as the admin console writes them. */
    public static DataRow ofText(@Nullable String... values) {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return new DataRow(bytes);
    }

    public static DataRow decode(ByteBuf body) {
        // Each column needs at least its Int32 length: a count the body cannot hold is rejected before allocating.
        int count = Bodies.readCount(body, 4, "DataRow column count");
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            values[i] = Bodies.readNullableBytes(body, "DataRow column " + (i + 1));
        }
        Bodies.requireFullyRead("DataRow", body);
        return new DataRow(values);
    }

    /** A deep copy. */
    @Override
    public byte[] @Nullable [] values() {
        byte[][] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = copy[i] == null ? null : copy[i].clone();
        }
        return copy;
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeShort(values.length);
        for (byte[] value : values) {
            Bodies.writeNullableBytes(out, value);
        }
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataRow other && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    /** Shows sizes only: row values may be confidential and end up in logs. */
    @Override
    public String toString() {
        var sizes = new StringBuilder();
        for (byte[] value : values) {
            sizes.append(sizes.isEmpty() ? "" : ", ").append(value == null ? "NULL" : value.length + " bytes");
        }
        return "DataRow[" + sizes + "]";
    }
}
