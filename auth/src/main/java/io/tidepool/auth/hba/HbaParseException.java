package io.tidepool.auth.hba;

/**
 * A pg_hba.conf file (or an {@code @} include) could not be parsed; the message names the line and the offending
 * token. Thrown by {@link HbaFile#parse}; on reload the caller keeps the previous rules.
 */
public final class HbaParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;

    public HbaParseException(int line, String message) {
        super("pg_hba line " + line + ": " + message);
        this.line = line;
    }

    /** The 1-based line number in the main file. */
    public int line() {
        return line;
    }
}
