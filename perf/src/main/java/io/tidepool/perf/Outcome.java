package io.tidepool.perf;

/**
 * What one pgbench run against one target produced: figures, a reasoned "not applicable", or a failure. Immutable.
 */
sealed interface Outcome permits Outcome.Measured, Outcome.Skipped, Outcome.Failed {

    /**
     * A completed run.
     *
     * @param tps          pgbench's TPS without initial connection time
     * @param transactions transactions completed
     * @param failed       failed transactions (pgbench 15: serialization/deadlock failures; other errors abort)
     * @param averageMs    mean latency from the per-transaction log (pgbench's own figure when the log is empty)
     * @param p99Ms        99th-percentile latency from the per-transaction log (NaN when the log is empty)
     * @param cpuUsPerTx   the pooler's user+system CPU time per transaction in microseconds (NaN for direct runs)
     */
    record Measured(double tps, long transactions, long failed, double averageMs, double p99Ms, double cpuUsPerTx)
            implements Outcome {
    }

    /**
     * The median of each figure over {@code earlier} runs and {@code last}, when all were measured; otherwise the
     * first outcome that was not (a failure is never hidden by a median).
     */
    static Outcome median(java.util.List<Outcome> earlier, Outcome last) {
        java.util.List<Measured> runs = new java.util.ArrayList<>();
        for (Outcome o : earlier) {
            if (!(o instanceof Measured m)) {
                return o;
            }
            runs.add(m);
        }
        if (!(last instanceof Measured lastRun)) {
            return last;
        }
        runs.add(lastRun);
        if (runs.size() == 1) {
            return lastRun;
        }
        return new Measured(median(runs, Measured::tps), runs.stream().mapToLong(Measured::transactions).sum(),
                runs.stream().mapToLong(Measured::failed).sum(), median(runs, Measured::averageMs),
                median(runs, Measured::p99Ms), median(runs, Measured::cpuUsPerTx));
    }

    private static double median(java.util.List<Measured> runs, java.util.function.ToDoubleFunction<Measured> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** Deliberately not run (unsupported by this target, too many connections for PostgreSQL...). */
    record Skipped(String reason) implements Outcome {
    }

    /** Run but did not complete: pgbench failed, or the pooler refused. */
    record Failed(String reason) implements Outcome {
    }
}
