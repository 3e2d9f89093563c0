package io.tidepool.auth.source;

/**
 * An auth_file line could not be parsed; the message names the line, never the secret. On reload the caller keeps
 * the previous snapshot.
 */
public final class UserlistParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;

    public UserlistParseException(int line, String message) {
        super("auth_file line " + line + ": " + message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
