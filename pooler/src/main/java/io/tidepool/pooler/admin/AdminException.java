package io.tidepool.pooler.admin;

import io.tidepool.wire.error.SqlState;

/**
 * A console command failed: the client gets ERROR with this SQLSTATE and message, then ReadyForQuery; the
 * connection stays usable (PgBouncer's {@code admin_error}). Message texts are PgBouncer's where it has one.
 */
public final class AdminException extends RuntimeException {
    private final String code;

    public AdminException(SqlState sqlState, String message) {
        this(sqlState.code(), message);
    }

    /** For codes the wire module has no constant for (F0000 config_file_error). */
    public AdminException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The five-character SQLSTATE. */
    public String code() {
        return code;
    }

    static AdminException adminAccessNeeded() {
        return new AdminException(SqlState.INSUFFICIENT_PRIVILEGE, "admin access needed");
    }
}
