package io.tidepool.vip.track;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs one shell command with a timeout; a command that outlives it is killed with its descendants. */
public final class ScriptRunner {
    private ScriptRunner() {
    }

    /** Outcome of one run; {@code detail} says why it failed ("exit 3", "timed out after 1000 ms", an I/O error). */
    public record Result(boolean success, String detail) {
    }

    /** Runs {@code /bin/sh -c command} on the calling (virtual) thread, output discarded. */
    public static Result run(String command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return new Result(false, "cannot start: " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                return new Result(false, "timed out after " + timeout.toMillis() + " ms");   // a hung script fails
            }
            int exit = process.exitValue();
            return new Result(exit == 0, "exit " + exit);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
