package io.tidepool.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The p99 printed by perf/ comes from here: pgbench log lines in, nearest-rank percentile out. No timing. */
class LatencyLogTest {

    @Test
    void readsTheLatencyFieldOfPgbench15LogLines() {
        // Lines as pgbench 15 writes them with -l (client_id transaction_no time script_no time_epoch time_us).
        assertThat(LatencyLog.latencyMicros("0 199 2241 0 1763765770 153270")).isEqualTo(2241);
        assertThat(LatencyLog.latencyMicros("3 12 17 0 1763765770 153270 0")).isEqualTo(17);
        assertThat(LatencyLog.latencyMicros("4 5 failed 0 1763765770 153270")).isEqualTo(-1);
        assertThat(LatencyLog.latencyMicros("4 5 skipped 0 1763765770 153270")).isEqualTo(-1);
        assertThat(LatencyLog.latencyMicros("garbage")).isEqualTo(-1);
        assertThat(LatencyLog.latencyMicros("1 2")).isEqualTo(-1);
    }

    @Test
    void p99IsTheNearestRank() {
        long[] micros = new long[1000];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = (micros.length - i) * 1000L;     // 1000 ms down to 1 ms: the input need not be sorted
        }
        LatencyLog log = LatencyLog.of(micros);
        assertThat(log.count()).isEqualTo(1000);
        assertThat(log.p99Ms()).isEqualTo(990.0);
        assertThat(log.averageMs()).isCloseTo(500.5, within(1e-9));
        assertThat(LatencyLog.of(new long[] {7000}).p99Ms()).isEqualTo(7.0);
        assertThat(LatencyLog.of(new long[0]).p99Ms()).isNaN();
    }

    @Test
    void combinesThePerThreadFilesOfOneRun(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tx.4242"), "0 0 1000 0 1 1\n0 1 3000 0 1 2\n");
        Files.writeString(dir.resolve("tx.4242.1"), "1 0 2000 0 1 1\n1 1 failed 0 1 2\n");
        Files.writeString(dir.resolve("other.log"), "0 0 999999 0 1 1\n");
        LatencyLog log = LatencyLog.read(dir, "tx");
        assertThat(log.count()).isEqualTo(3);
        assertThat(log.averageMs()).isCloseTo(2.0, within(1e-9));
        assertThat(log.p99Ms()).isEqualTo(3.0);
    }
}
