package io.tidepool.pooler.pool;

import java.util.Locale;

/**
 * When a client's hold on a server connection ends (DESIGN: "pool modes decide only when a link ends"). PgBouncer's
 * {@code pool_mode} values.
 */
public enum PoolMode {
    /** The link lasts until the client disconnects. */
    SESSION,
    /** The link ends at a ReadyForQuery with status idle and no request outstanding. */
    TRANSACTION,
    /** The link ends after every statement; transaction blocks are refused. */
    STATEMENT;

    /**
     * Whether a ReadyForQuery ends the client's hold on its server: the only place the modes differ (DESIGN). A
     * server is released only when idle with no request outstanding (PgBouncer's {@code outstanding_requests}).
     */
    public boolean endsLink(io.tidepool.wire.backend.TransactionStatus status, int outstanding) {
        return switch (this) {
            case SESSION -> false;
            case TRANSACTION, STATEMENT -> status == io.tidepool.wire.backend.TransactionStatus.IDLE
                    && outstanding == 0;
        };
    }

    /** Parses PgBouncer's spelling ({@code session}, {@code transaction}, {@code statement}). */
    public static PoolMode parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "session" -> SESSION;
            case "transaction" -> TRANSACTION;
            case "statement" -> STATEMENT;
            default -> throw new IllegalArgumentException("pool_mode: \"" + value
                    + "\" (expected: session, transaction or statement)");
        };
    }

    /** PgBouncer's spelling, as SHOW CONFIG and SHOW POOLS print it. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
