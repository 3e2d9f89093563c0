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

    /** Deliberately not run (unsupported by this target, too many connections for PostgreSQL...). */
    record Skipped(String reason) implements Outcome {
    }

    /** Run but did not complete: pgbench failed, or the pooler refused. */
    record Failed(String reason) implements Outcome {
    }
}
