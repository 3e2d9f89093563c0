package io.tidepool.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs an external command: {@link #run()} waits for it with a timeout and captures stdout and stderr; {@link
 * #start(Path)} leaves it running as an {@link ExternalProcess}. On timeout the whole process tree is killed. Output
 * goes through temporary files, not pipes, so a daemon that inherits the descriptors (as {@code pg_ctl start}'s
 * postmaster could) can never make the caller hang. A mutable builder used by one thread; create one per command.
 */
public final class ProcessRunner {
    private static final File DEV_NULL = new File("/dev/null");

    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> droppedPrefixes = new ArrayList<>();
    private @Nullable Path directory;
    private @Nullable String stdin;
    private Duration timeout = Duration.ofSeconds(60);

    private ProcessRunner(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command: [] (expected: at least the program)");
        }
        this.command = List.copyOf(command);
    }

    public static ProcessRunner of(List<String> command) {
        return new ProcessRunner(command);
    }

    public static ProcessRunner of(String... command) {
        return new ProcessRunner(List.of(command));
    }

    /** Sets an environment variable for the command (on top of the inherited environment). */
    public ProcessRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Sets several environment variables. */
    public ProcessRunner env(Map<String, String> variables) {
        env.putAll(variables);
        return this;
    }

    /**
     * Removes inherited variables whose names start with {@code prefix} (for example {@code "PG"}, so that a
     * developer's {@code PGPORT} or {@code PGSERVICE} cannot redirect a test). Variables set with {@link #env} stay.
     */
    public ProcessRunner dropInheritedEnv(String prefix) {
        droppedPrefixes.add(prefix);
        return this;
    }

    public ProcessRunner directory(Path dir) {
        directory = dir;
        return this;
    }

    /** Text fed to standard input; without it, stdin is {@code /dev/null} (a prompt can never block a test). */
    public ProcessRunner stdin(String text) {
        stdin = text;
        return this;
    }

    /** How long {@link #run()} waits before killing the process tree; default 60 s. */
    public ProcessRunner timeout(Duration value) {
        timeout = value;
        return this;
    }

    /** Runs the command to completion (or timeout) and returns what it printed. */
    public ProcessResult run() {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile("tidepool-out-", ".txt");
            err = Files.createTempFile("tidepool-err-", ".txt");
            ProcessBuilder builder = builder().redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile("tidepool-in-", ".txt");
                Files.writeString(in, stdin);
                builder.redirectInput(in.toFile());
            }
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                ExternalProcess.killTree(process.toHandle(), Duration.ofSeconds(2));
                process.waitFor(5, TimeUnit.SECONDS);
            }
            return new ProcessResult(command, finished ? process.exitValue() : -1, read(out), read(err), !finished);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    /**
     * Starts the command and returns at once; stdout and stderr are appended to {@code output}. The caller owns the
     * returned process and must close it.
     */
    public ExternalProcess start(Path output) {
        try {
            ProcessBuilder builder = builder().redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            return new ExternalProcess(command, builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    private ProcessBuilder builder() {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(DEV_NULL);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Map<String, String> environment = builder.environment();
        for (String prefix : droppedPrefixes) {
            environment.keySet().removeIf(name -> name.startsWith(prefix));
        }
        environment.putAll(env);
        return builder;
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temp file is not worth failing a test for
            }
        }
    }
}
