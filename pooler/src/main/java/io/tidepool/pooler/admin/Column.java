package io.tidepool.pooler.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One result-set column: PgBouncer's name and wire type. Immutable. */
public record Column(String name, PgType type) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /**
     * Columns from PgBouncer's own notation: a type string ({@code "ssii"}) and the names in order, so each table in
     * {@link ShowCommand} reads like the {@code pktbuf_write_RowDescription} call it mirrors.
     */
    public static List<Column> of(String types, String... names) {
        if (types.length() != names.length) {
            throw new IllegalArgumentException("types: \"" + types + "\" has " + types.length() + " letters (expected: "
                    + names.length + ", one per column)");
        }
        List<Column> columns = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            columns.add(new Column(names[i], PgType.of(types.charAt(i))));
        }
        return List.copyOf(columns);
    }
}
