package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PgbenchSummaryTest {

    @Test
    void parsesDurationRunOfPgbench15() throws IOException {
        PgbenchSummary summary = PgbenchSummary.parse(fixture("select-only-T2-c2.txt"));
        assertThat(summary).isEqualTo(new PgbenchSummary(19043.454221, 37886, 0, 0.105));
    }

    @Test
    void parsesTransactionCountRunWhoseProcessedLineHasATotal() throws IOException {
        // "number of transactions actually processed: 200/200"
        PgbenchSummary summary = PgbenchSummary.parse(fixture("tpcb-t100-c2.txt"));
        assertThat(summary).isEqualTo(new PgbenchSummary(1919.109533, 200, 0, 1.042));
    }

    @Test
    void ignoresLatencyStddevAndConnectionTime() throws IOException {
        PgbenchSummary summary = PgbenchSummary.parse(fixture("tpcb-prepared-T1-P1.txt"));
        assertThat(summary).isEqualTo(new PgbenchSummary(4642.447127, 4618, 0, 0.215));
    }

    @Test
    void readsFailedTransactions() throws IOException {
        String failing = fixture("select-only-T2-c2.txt")
                .replace("number of failed transactions: 0 (0.000%)", "number of failed transactions: 17 (0.045%)");
        assertThat(PgbenchSummary.parse(failing).failedTransactions()).isEqualTo(17);
    }

    @Test
    void rejectsOutputWithoutSummaryAndQuotesIt() {
        assertThatThrownBy(() -> PgbenchSummary.parse("pgbench: error: connection to server failed\n"))
                .isInstanceOf(TestkitException.class)
                .hasMessageContaining("missing tps transactions processed latency average")
                .hasMessageContaining("connection to server failed");
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = PgbenchSummaryTest.class.getResourceAsStream("/pgbench/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
