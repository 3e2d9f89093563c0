package io.tidepool.testkit;

/**
 * A test fixture could not do what it was asked (a server did not start, a command failed, a wait timed out). The
 * message says what was attempted and, where there is one, ends with the tail of the relevant log, so a failing
 * test's report is enough to see why. Unchecked: test code should not have to handle fixture failures.
 */
public final class TestkitException extends RuntimeException {
    public TestkitException(String message) {
        super(message);
    }

    public TestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
