package io.tidepool.testkit;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one finished (or timed-out) external command run by {@link ProcessRunner}: exit code and the
 * complete stdout and stderr. Immutable.
 *
 * @param command  the command line as executed (including a {@code runuser} prefix, if any)
 * @param exitCode the exit status; {@code -1} when the command timed out and was killed
 * @param stdout   everything written to standard output
 * @param stderr   everything written to standard error
 * @param timedOut whether the timeout expired and the process tree was killed
 */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    public ProcessResult {
        command = List.copyOf(command);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** Whether the command ran to completion with exit status 0. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Returns this result if the command succeeded, else throws a {@link TestkitException} describing it. */
    public ProcessResult requireSuccess() {
        if (!succeeded()) {
            throw new TestkitException(describe());
        }
        return this;
    }

    /** A multi-line description (command, status, both outputs) for assertion and exception messages. */
    public String describe() {
        String status = timedOut ? "timed out (killed)" : "exit code " + exitCode;
        return String.join(" ", command) + ": " + status
                + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
