package io.tidepool.wire.error;

/**
 * Field codes of ErrorResponse and NoticeResponse
 * (<a href="https://www.postgresql.org/docs/current/protocol-error-fields.html">protocol-error-fields</a>).
 */
public final class ErrorField {
    public static final byte SEVERITY = 'S';
    /** Severity, never localized (PostgreSQL 9.6+). */
    public static final byte SEVERITY_NONLOCALIZED = 'V';
    public static final byte CODE = 'C';
    public static final byte MESSAGE = 'M';
    public static final byte DETAIL = 'D';
    public static final byte HINT = 'H';
    public static final byte POSITION = 'P';
    public static final byte INTERNAL_POSITION = 'p';
    public static final byte INTERNAL_QUERY = 'q';
    public static final byte WHERE = 'W';
    public static final byte SCHEMA_NAME = 's';
    public static final byte TABLE_NAME = 't';
    public static final byte COLUMN_NAME = 'c';
    public static final byte DATA_TYPE_NAME = 'd';
    public static final byte CONSTRAINT_NAME = 'n';
    public static final byte FILE = 'F';
    public static final byte LINE = 'L';
    public static final byte ROUTINE = 'R';

    private ErrorField() {
    }
}
