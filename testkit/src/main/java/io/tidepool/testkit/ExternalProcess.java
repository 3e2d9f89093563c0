package io.tidepool.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A long-running external process started by {@link ProcessRunner#start(Path)} (PgBouncer, a Tidepool instance, a
 * load generator), with its stdout and stderr going to one output file. {@link #close()} stops the whole process
 * tree: SIGTERM to the process and every descendant, then SIGKILL to whatever is still alive after a grace period.
 * The tree matters because a {@code runuser} wrapper does not always pass signals on to the program it started.
 * Owned by the test that started it; safe to call from any thread.
 */
public final class ExternalProcess implements AutoCloseable {
    /** How long {@link #close()} waits after SIGTERM before SIGKILL. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private final List<String> command;
    private final Process process;
    private final Path output;

    ExternalProcess(List<String> command, Process process, Path output) {
        this.command = List.copyOf(command);
        this.process = process;
        this.output = output;
    }

    /** The command line as executed. */
    public List<String> command() {
        return command;
    }

    /** The operating-system id of the started process (the {@code runuser} wrapper, if there is one). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status, or empty while the process runs. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** The file that receives the process's stdout and stderr. */
    public Path output() {
        return output;
    }

    /** The last {@code lines} lines of the output file. */
    public String outputTail(int lines) {
        return LogFiles.tail(output, lines);
    }

    /** Waits up to {@code timeout} for the process to exit by itself; returns whether it did. */
    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("interrupted while waiting for " + String.join(" ", command), e);
        }
    }

    /** Stops the process tree (SIGTERM, then SIGKILL after {@link #DEFAULT_GRACE}). Idempotent. */
    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    /** Stops the process tree, giving it {@code grace} to exit after SIGTERM before SIGKILL. Idempotent. */
    public void stop(Duration grace) {
        killTree(process.toHandle(), grace);
        // killTree returns once the process is a zombie; Process.isAlive() turns false only when the JDK has reaped it.
        waitFor(Duration.ofSeconds(5));
    }

    /**
     * Stops {@code root} and all its descendants: SIGTERM to the descendants first, then to the root if it has not
     * exited by itself, SIGKILL to whatever survives {@code grace}. The descendants are collected before the first
     * signal: once the root dies they are re-parented and can no longer be found. The root is spared the first
     * SIGTERM because it is often a wrapper ({@code runuser}, {@code sh}) that exits when its program does, and
     * {@code runuser} that receives SIGTERM itself waits two seconds before it returns.
     */
    static void killTree(ProcessHandle root, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<ProcessHandle> descendants = root.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        awaitGone(descendants, deadline);
        awaitGone(List.of(root), Math.min(deadline, System.nanoTime() + Duration.ofMillis(500).toNanos()));
        root.destroy();
        List<ProcessHandle> tree = new ArrayList<>(descendants);
        tree.add(root);
        awaitGone(tree, deadline);
        tree.stream().filter(ExternalProcess::isRunning).forEach(ProcessHandle::destroyForcibly);
    }

    /** Polls until none of {@code processes} runs or {@code deadline} (a nanoTime) passes. */
    private static void awaitGone(List<ProcessHandle> processes, long deadline) {
        // Polling, not onExit(): for processes that are not our children the JDK's onExit polls slowly.
        while (processes.stream().anyMatch(ExternalProcess::isRunning) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether {@code process} still runs: alive and not a zombie. The JDK counts a zombie as alive, and a killed
     * grandchild stays a zombie until the re-parenting init reaps it, which some container inits do only every
     * second or two; a test that waits for it to be gone would wait for that. Linux {@code /proc} only; elsewhere,
     * {@link ProcessHandle#isAlive()}.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // "pid (comm) S ...": comm may contain spaces and parentheses, the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }
}
