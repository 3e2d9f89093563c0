package io.tidepool.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Latencies from pgbench's per-transaction logs ({@code -l --log-prefix=P}: one file {@code P.<pid>} for the first
 * thread and {@code P.<pid>.<n>} for the others). Each line is, per the pgbench documentation (PostgreSQL 15,
 * "Per-Transaction Logging"): {@code client_id transaction_no time script_no time_epoch time_us [schedule_lag]
 * [retries]}, where {@code time} is the transaction's latency in microseconds, or {@code failed} / {@code skipped}.
 * Only numeric latencies count. pgbench's summary has no percentiles, hence this. Immutable.
 *
 * @param count     transactions with a latency
 * @param averageMs mean latency in milliseconds (NaN when {@code count} is 0)
 * @param p99Ms     99th percentile (nearest-rank) in milliseconds (NaN when {@code count} is 0)
 */
record LatencyLog(long count, double averageMs, double p99Ms) {

    /** Reads every file in {@code directory} whose name starts with {@code prefix}. */
    static LatencyLog read(Path directory, String prefix) {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
            var latencies = new LongList();
            for (Path log : logs) {
                try (BufferedReader reader = Files.newBufferedReader(log)) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        long micros = latencyMicros(line);
                        if (micros >= 0) {
                            latencies.add(micros);
                        }
                    }
                }
            }
            return of(latencies.toArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pgbench logs " + directory.resolve(prefix) + "*", e);
        }
    }

    /** Summarises latencies in microseconds (the array is sorted in place). */
    static LatencyLog of(long[] micros) {
        if (micros.length == 0) {
            return new LatencyLog(0, Double.NaN, Double.NaN);
        }
        Arrays.sort(micros);
        double sum = 0;
        for (long each : micros) {
            sum += each;
        }
        // Nearest rank: the smallest value with at least 99 % of the values at or below it.
        int rank = (int) Math.ceil(0.99 * micros.length);
        return new LatencyLog(micros.length, sum / micros.length / 1000.0, micros[rank - 1] / 1000.0);
    }

    /** The latency field of one log line in microseconds, or -1 for failed/skipped or malformed lines. */
    static long latencyMicros(String line) {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        int third = second < 0 ? -1 : line.indexOf(' ', second + 1);
        if (third < 0) {
            return -1;
        }
        long value = 0;
        for (int i = second + 1; i < third; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9' || value > Long.MAX_VALUE / 10 - 10) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return third == second + 1 ? -1 : value;
    }

    /** A growable primitive array: a run at 30k TPS logs half a million latencies; boxing them would be waste. */
    private static final class LongList {
        private long[] values = new long[1 << 16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
