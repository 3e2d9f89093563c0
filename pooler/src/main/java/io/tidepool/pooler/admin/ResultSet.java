package io.tidepool.pooler.admin;

import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A complete console answer: columns (empty for commands without rows), rows of values as text (null is SQL NULL),
 * the CommandComplete tag and notices to send first. Immutable once built; built with {@link #builder}, encoded by
 * {@link ResultSetWriter}.
 */
public record ResultSet(List<Column> columns, List<List<@Nullable String>> rows, String tag, List<String> notices) {
    public ResultSet {
        columns = List.copyOf(columns);
        rows = Collections.unmodifiableList(new ArrayList<>(rows));
        Objects.requireNonNull(tag, "tag");
        notices = List.copyOf(notices);
    }

    /** A command without a result set, e.g. {@code PAUSE}: CommandComplete only. */
    public static ResultSet command(String tag) {
        return new ResultSet(List.of(), List.of(), tag, List.of());
    }

    public static Builder builder(List<Column> columns) {
        return new Builder(columns);
    }

    public boolean hasRows() {
        return !columns.isEmpty();
    }

    /** Collects rows, checking each against the columns. One thread. */
    public static final class Builder {
        private final List<Column> columns;
        private final List<List<@Nullable String>> rows = new ArrayList<>();
        private final List<String> notices = new ArrayList<>();

        private Builder(List<Column> columns) {
            this.columns = List.copyOf(columns);
        }

        /**
         * Adds a row; values are rendered as PostgreSQL's text format: numbers with {@code toString}, booleans as
         * PgBouncer's 0/1, null stays NULL.
         */
        public Builder row(@Nullable Object... values) {
            if (values.length != columns.size()) {
                throw new IllegalArgumentException("row has " + values.length + " values (expected: "
                        + columns.size() + ")");
            }
            List<@Nullable String> row = new ArrayList<>(values.length);
            for (int i = 0; i < values.length; i++) {
                row.add(render(columns.get(i), values[i]));
            }
            rows.add(Collections.unmodifiableList(row));
            return this;
        }

        public Builder notice(String text) {
            notices.add(text);
            return this;
        }

        public ResultSet complete(String tag) {
            return new ResultSet(columns, rows, tag, notices);
        }

        private static @Nullable String render(Column column, @Nullable Object value) {
            if (value == null) {
                return null;
            }
            if (value instanceof Boolean b) {
                return b ? "1" : "0";
            }
            if ((column.type() == PgType.INT4 || column.type() == PgType.INT8 || column.type() == PgType.NUMERIC)
                    && !(value instanceof Number)) {
                throw new IllegalArgumentException(column.name() + ": " + value.getClass().getSimpleName()
                        + " (expected: a number for " + column.type() + ")");
            }
            if (column.type() == PgType.INT4 && value instanceof Long l && (l > Integer.MAX_VALUE
                    || l < Integer.MIN_VALUE)) {
                throw new IllegalArgumentException(column.name() + ": " + l + " (expected: an int4)");
            }
            return value.toString();
        }
    }
}
