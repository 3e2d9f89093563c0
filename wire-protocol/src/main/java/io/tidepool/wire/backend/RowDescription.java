package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * RowDescription ('T'): the columns of the rows that follow. Forwarded untouched; built by the admin console for
 * its {@code SHOW} result sets.
 */
public record RowDescription(List<Field> fields) implements BackendPassThrough {
    public static final byte TYPE = 'T';
    /** A field takes at least an empty name's NUL plus 18 bytes of fixed-size attributes. */
    private static final int MIN_FIELD_LENGTH = 1 + 18;

    /**
     * One column, with the protocol's field names.
     *
     * @param tableOid        the table's OID, or 0 when the column is not a table column
     * @param columnNumber    the column's attribute number, or 0
     * @param dataTypeSize    {@code pg_type.typlen}: negative for variable-length types
     * @param typeModifier    {@code pg_attribute.atttypmod}; -1 when not applicable
     * @param formatCode      0 text, 1 binary (always 0 from a statement Describe)
     */
    public record Field(String name, int tableOid, int columnNumber, int dataTypeOid, int dataTypeSize,
            int typeModifier, int formatCode) {
        public Field {
            Objects.requireNonNull(name, "name");
            Bodies.requireInt16("RowDescription column number", columnNumber);
            Bodies.requireInt16("RowDescription data type size", dataTypeSize);
            Bodies.requireInt16("RowDescription format code", formatCode);
        }

        /** A computed column in text format, as the admin console writes them. */
        public static Field text(String name, int dataTypeOid, int dataTypeSize) {
            return new Field(name, 0, 0, dataTypeOid, dataTypeSize, -1, 0);
        }
    }

    public RowDescription {
        fields = List.copyOf(fields);
        Bodies.requireCount("RowDescription field count", fields.size());
    }

    public static RowDescription decode(ByteBuf body) {
        int count = Bodies.readCount(body, MIN_FIELD_LENGTH, "RowDescription field count");
        List<Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = CStrings.read(body, "RowDescription field name");
            Bodies.requireAtLeast("RowDescription field \"" + name + "\"", body, 18);
            fields.add(new Field(name, body.readInt(), body.readShort(), body.readInt(), body.readShort(),
                    body.readInt(), body.readShort()));
        }
        Bodies.requireFullyRead("RowDescription", body);
        return new RowDescription(fields);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeShort(fields.size());
        for (Field field : fields) {
            CStrings.write(out, field.name());
            out.writeInt(field.tableOid()).writeShort(field.columnNumber()).writeInt(field.dataTypeOid())
                    .writeShort(field.dataTypeSize()).writeInt(field.typeModifier()).writeShort(field.formatCode());
        }
        LengthPrefix.end(out, at);
    }
}
