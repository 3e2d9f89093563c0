package io.tidepool.wire.error;

/**
 * The SQLSTATEs Tidepool sends or classifies, named as in PostgreSQL's {@code errcodes.txt}.
 * Codes a server sends that are not listed here are relayed as received and never need a constant.
 */
public enum SqlState {
    SUCCESSFUL_COMPLETION("00000"),
    WARNING("01000"),
    CONNECTION_EXCEPTION("08000"),
    CONNECTION_DOES_NOT_EXIST("08003"),
    CONNECTION_FAILURE("08006"),
    SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION("08001"),
    SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION("08004"),
    PROTOCOL_VIOLATION("08P01"),
    FEATURE_NOT_SUPPORTED("0A000"),
    INVALID_TRANSACTION_STATE("25000"),
    ACTIVE_SQL_TRANSACTION("25001"),
    READ_ONLY_SQL_TRANSACTION("25006"),
    IDLE_IN_TRANSACTION_SESSION_TIMEOUT("25P03"),
    INVALID_AUTHORIZATION_SPECIFICATION("28000"),
    INVALID_PASSWORD("28P01"),
    INVALID_CATALOG_NAME("3D000"),
    INVALID_SQL_STATEMENT_NAME("26000"),
    INVALID_CURSOR_NAME("34000"),
    DUPLICATE_PREPARED_STATEMENT("42P05"),
    SYNTAX_ERROR("42601"),
    UNDEFINED_OBJECT("42704"),
    INSUFFICIENT_PRIVILEGE("42501"),
    INVALID_PARAMETER_VALUE("22023"),
    PROGRAM_LIMIT_EXCEEDED("54000"),
    TOO_MANY_CONNECTIONS("53300"),
    CONFIGURATION_LIMIT_EXCEEDED("53400"),
    OUT_OF_MEMORY("53200"),
    QUERY_CANCELED("57014"),
    ADMIN_SHUTDOWN("57P01"),
    CRASH_SHUTDOWN("57P02"),
    CANNOT_CONNECT_NOW("57P03"),
    DATABASE_DROPPED("57P04"),
    IDLE_SESSION_TIMEOUT("57P05"),
    INTERNAL_ERROR("XX000");

    private final String code;

    SqlState(String code) {
        this.code = code;
    }

    /** The five-character code as sent in the {@code C} field. */
    public String code() {
        return code;
    }

    /** The two-character class ("08" for connection exceptions). */
    public String errorClass() {
        return code.substring(0, 2);
    }

    /**
     * Whether a server error with this code, arriving unsolicited, means the server connection is going away
     * (57P01 admin_shutdown, 57P02 crash_shutdown, 57P05 idle_session_timeout, 25P03 idle-in-transaction timeout;
     * Vert.x separates these the same way).
     */
    public static boolean isFatalToServerConnection(String code) {
        return switch (code) {
            case "57P01", "57P02", "57P03", "57P05", "25P03" -> true;
            default -> false;
        };
    }
}
