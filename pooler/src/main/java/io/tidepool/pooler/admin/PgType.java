package io.tidepool.pooler.admin;

/**
 * The column types PgBouncer's console uses (pktbuf.c {@code pktbuf_write_RowDescription}: {@code s} text,
 * {@code i} int4, {@code q} int8, {@code N} numeric, {@code T} a timestamp sent as text, {@code b} bytea), with their PostgreSQL OIDs
 * ({@code pg_type.dat}) and sizes for RowDescription.
 */
public enum PgType {
    TEXT('s', 25, -1),
    INT4('i', 23, 4),
    INT8('q', 20, 8),
    NUMERIC('N', 1700, -1),
    /** PgBouncer's {@code T}: a timestamp rendered as text, declared as text. */
    TIMESTAMP_TEXT('T', 25, -1),
    BYTEA('b', 17, -1);

    private final char code;
    private final int oid;
    private final int size;

    PgType(char code, int oid, int size) {
        this.code = code;
        this.oid = oid;
        this.size = size;
    }

    /** PgBouncer's one-letter code, as in its {@code "ssiiii"} type strings. */
    public char code() {
        return code;
    }

    public int oid() {
        return oid;
    }

    /** typlen as RowDescription reports it (-1: variable). */
    public int size() {
        return size;
    }

    /** The type for one of PgBouncer's type letters. */
    public static PgType of(char code) {
        for (PgType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("type code: '" + code + "' (expected: one of s, i, q, N, T, b)");
    }
}
