package io.tidepool.testkit;

/**
 * Something with a log worth showing when a test fails: a PostgreSQL node, a PgBouncer, a Tidepool process.
 * Implementations register with {@link ServerLogs} while they run; {@link PostgresLogOnFailure} prints them.
 */
public interface LogSource {
    /** A short name that says which process the log belongs to, e.g. {@code "postgres primary :54321"}. */
    String logName();

    /** The last {@code lines} lines of the log. */
    String logTail(int lines);
}
