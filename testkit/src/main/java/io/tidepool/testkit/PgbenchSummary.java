package io.tidepool.testkit;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary block that pgbench prints at the end of a run, as numbers. Figures are for printing side by side
 * (perf/), never for asserting speed in a test. Immutable.
 *
 * @param tps                   transactions per second, excluding connection setup where pgbench reports both
 * @param transactionsProcessed "number of transactions actually processed"
 * @param failedTransactions    "number of failed transactions" (pgbench 15+; 0 when older pgbench does not say)
 * @param latencyAverageMs      "latency average", in milliseconds
 */
public record PgbenchSummary(double tps, long transactionsProcessed, long failedTransactions,
        double latencyAverageMs) {

    private static final Pattern PROCESSED =
            Pattern.compile("^number of transactions actually processed: (\\d+)", Pattern.MULTILINE);
    private static final Pattern FAILED = Pattern.compile("^number of failed transactions: (\\d+)", Pattern.MULTILINE);
    // "latency average = 0.401 ms" (10+); "latency average: 0.401 ms" (9.x).
    private static final Pattern LATENCY =
            Pattern.compile("^latency average\\s*[=:]\\s*([0-9.]+) ms", Pattern.MULTILINE);
    // "tps = 2493.12 (without initial connection time)" (14+); "(excluding connections establishing)" (<= 13)
    // comes after an "(including ...)" line, so the preferred figure is looked for first.
    private static final Pattern TPS_NET =
            Pattern.compile("^tps = ([0-9.]+) \\((?:without initial connection time|excluding[^)]*)\\)",
                    Pattern.MULTILINE);
    private static final Pattern TPS_ANY = Pattern.compile("^tps = ([0-9.]+)", Pattern.MULTILINE);

    /** Parses pgbench's stdout; throws a {@link TestkitException} quoting it if a required line is missing. */
    public static PgbenchSummary parse(String stdout) {
        OptionalDouble tps = number(TPS_NET, stdout);
        if (tps.isEmpty()) {
            tps = number(TPS_ANY, stdout);
        }
        OptionalDouble processed = number(PROCESSED, stdout);
        OptionalDouble latency = number(LATENCY, stdout);
        if (tps.isEmpty() || processed.isEmpty() || latency.isEmpty()) {
            throw new TestkitException("pgbench summary: missing " + (tps.isEmpty() ? "tps " : "")
                    + (processed.isEmpty() ? "transactions processed " : "")
                    + (latency.isEmpty() ? "latency average " : "") + "(expected: pgbench's summary block) in:\n"
                    + stdout);
        }
        long failed = (long) number(FAILED, stdout).orElse(0);
        return new PgbenchSummary(tps.getAsDouble(), (long) processed.getAsDouble(), failed, latency.getAsDouble());
    }

    private static OptionalDouble number(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? OptionalDouble.of(Double.parseDouble(matcher.group(1))) : OptionalDouble.empty();
    }
}
