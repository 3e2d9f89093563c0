package io.tidepool.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the real {@code pgbench} against a {@link PgTarget}: {@code -i} to initialise, then benchmark runs whose
 * summary {@link #benchmark} parses into a {@link PgbenchSummary}. The target travels in libpq's environment, so the
 * arguments are only pgbench's own ({@code -S}, {@code -c 8}, {@code -T 5}, {@code -M extended}...). Stateless.
 */
public final class Pgbench {
    /** Default time a pgbench run may take before it is killed; pass a timeout for longer runs. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private Pgbench() {
    }

    /** Runs {@code pgbench args...}; returns exit code and both outputs. */
    public static ProcessResult run(PgTarget target, String... args) {
        return run(target, DEFAULT_TIMEOUT, args);
    }

    /** As {@link #run(PgTarget, String...)} with an explicit timeout. */
    public static ProcessResult run(PgTarget target, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(PgBinaries.get().tool("pgbench").toString()));
        command.addAll(List.of(args));
        return ProcessRunner.of(command).dropInheritedEnv("PG").env(target.libpqEnv()).timeout(timeout).run();
    }

    /** {@code pgbench -i -s scale -q}: creates and fills the pgbench tables; throws if it fails. */
    public static void initialize(PgTarget target, int scale) {
        run(target, "-i", "-s", Integer.toString(scale), "-q").requireSuccess();
    }

    /** Runs a benchmark ({@code args} as for pgbench), requires success and parses the summary. */
    public static PgbenchSummary benchmark(PgTarget target, String... args) {
        return benchmark(target, DEFAULT_TIMEOUT, args);
    }

    /** As {@link #benchmark(PgTarget, String...)} with an explicit timeout. */
    public static PgbenchSummary benchmark(PgTarget target, Duration timeout, String... args) {
        ProcessResult result = run(target, timeout, args).requireSuccess();
        return PgbenchSummary.parse(result.stdout());
    }
}
