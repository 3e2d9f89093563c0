package io.tidepool.perf;

import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.Pgbench;
import io.tidepool.testkit.PgbenchSummary;
import io.tidepool.testkit.ProcessResult;
import io.tidepool.testkit.TestkitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Runs one benchmark cell with the real pgbench and turns it into an {@link Outcome}: TPS from pgbench's summary,
 * average and p99 latency from its per-transaction log ({@link LatencyLog}), and, for a pooler, the CPU time its
 * process tree used during the run divided by the transactions ({@link ProcessCpu}). {@code -n}: no vacuum before
 * each run, so every target starts its clock on the same work. One thread (the harness's).
 */
final class PgbenchRunner {
    private static final String LOG_PREFIX = "tx";

    private final Path scratch;
    private final int threads;

    /** Per-transaction logs go to subdirectories of {@code scratch}, deleted after each run. */
    PgbenchRunner(Path scratch, int threads) {
        this.scratch = scratch;
        this.threads = threads;
    }

    /**
     * Runs {@code workload} for {@code durationSeconds} with {@code clients} clients over {@code protocol} against
     * {@code target}; {@code pooler} (null for direct runs) is charged the CPU time.
     */
    Outcome run(PgTarget target, Workload workload, String protocol, int clients, int durationSeconds,
            @Nullable Pooler pooler) {
        Path logs = createRunDirectory();
        try {
            List<String> args = new ArrayList<>(List.of("-n", "-c", Integer.toString(clients),
                    "-j", Integer.toString(Math.min(threads, clients)), "-T", Integer.toString(durationSeconds),
                    "-M", protocol, "-l", "--log-prefix=" + logs.resolve(LOG_PREFIX)));
            args.addAll(workload.pgbenchArgs());
            // Connecting 1,000 clients through a busy 2-core machine takes a while; a hang must still end.
            Duration timeout = Duration.ofSeconds(durationSeconds + 90L + clients / 10);
            double cpuBefore = pooler == null ? 0 : ProcessCpu.seconds(pooler.pid());
            ProcessResult result = Pgbench.run(target, timeout, args.toArray(String[]::new));
            double cpuAfter = pooler == null ? 0 : ProcessCpu.seconds(pooler.pid());
            if (result.timedOut()) {
                return new Outcome.Failed("pgbench did not finish within " + timeout.toSeconds() + " s");
            }
            if (!result.succeeded()) {
                return new Outcome.Failed("pgbench exit " + result.exitCode() + ": " + firstError(result));
            }
            PgbenchSummary summary;
            try {
                summary = PgbenchSummary.parse(result.stdout());
            } catch (TestkitException e) {
                return new Outcome.Failed("unreadable pgbench summary: " + firstLine(e.getMessage()));
            }
            LatencyLog latencies = LatencyLog.read(logs, LOG_PREFIX);
            double average = latencies.count() > 0 ? latencies.averageMs() : summary.latencyAverageMs();
            double cpuPerTx = pooler == null || summary.transactionsProcessed() == 0 ? Double.NaN
                    : (cpuAfter - cpuBefore) * 1e6 / summary.transactionsProcessed();
            return new Outcome.Measured(summary.tps(), summary.transactionsProcessed(), summary.failedTransactions(),
                    average, latencies.p99Ms(), cpuPerTx);
        } finally {
            delete(logs);
        }
    }

    private Path createRunDirectory() {
        try {
            return Files.createTempDirectory(scratch, "pgbench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log directory in " + scratch, e);
        }
    }

    /** pgbench's first error line ("pgbench: error: client 3 script 0 aborted ..."), shortened for a footnote. */
    private static String firstError(ProcessResult result) {
        String text = result.stderr().isBlank() ? result.stdout() : result.stderr();
        return text.lines().filter(line -> line.contains("error") || line.contains("ERROR")
                        || line.contains("FATAL") || line.contains("aborted"))
                .findFirst().or(() -> text.lines().filter(line -> !line.isBlank()).findFirst())
                .map(PgbenchRunner::shorten).orElse("(no output)");
    }

    private static String firstLine(@Nullable String text) {
        return text == null ? "" : shorten(text.lines().findFirst().orElse(""));
    }

    private static String shorten(String line) {
        String trimmed = line.strip();
        return trimmed.length() <= 200 ? trimmed : trimmed.substring(0, 200) + "...";
    }

    /** Deletes {@code root} and everything below it; a missing directory is fine. */
    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("perf: could not delete " + root + ": " + e);
        }
    }
}
