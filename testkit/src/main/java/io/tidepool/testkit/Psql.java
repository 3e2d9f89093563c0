package io.tidepool.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the real {@code psql} against a {@link PgTarget}: a real libpq client, for tests that must not trust our own
 * encoder or JDBC's choices. psql gets {@code -X} (no psqlrc) and {@code -w} (never prompt for a password);
 * everything else is the caller's. Stateless.
 */
public final class Psql {
    /** Default time a psql run may take before it is killed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Psql() {
    }

    /** Runs {@code psql -X -w args...} with the target in the environment; returns exit code and both outputs. */
    public static ProcessResult run(PgTarget target, String... args) {
        return run(target, DEFAULT_TIMEOUT, args);
    }

    /** As {@link #run(PgTarget, String...)} with an explicit timeout. */
    public static ProcessResult run(PgTarget target, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(PgBinaries.get().tool("psql").toString(), "-X", "-w"));
        command.addAll(List.of(args));
        return ProcessRunner.of(command).dropInheritedEnv("PG").env(target.libpqEnv()).timeout(timeout).run();
    }

    /**
     * Runs one SQL command with unaligned, tuples-only output ({@code -Atc sql}, stopping on error) and returns its
     * stdout without the trailing newline; throws with psql's stderr if it fails.
     */
    public static String query(PgTarget target, String sql) {
        return run(target, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql).requireSuccess().stdout().stripTrailing();
    }
}
