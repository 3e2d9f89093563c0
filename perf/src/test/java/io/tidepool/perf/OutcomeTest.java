package io.tidepool.perf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** --repeat: each figure is the median of its runs; a run that was not measured is reported instead. */
class OutcomeTest {
    private static Outcome.Measured run(double tps, double p99, double cpu) {
        return new Outcome.Measured(tps, 100, 0, 1.0, p99, cpu);
    }

    @Test
    void eachFigureIsItsOwnMedian() {
        Outcome median = Outcome.median(List.of(run(100, 9, 30), run(300, 1, 20)), run(200, 5, 40));
        assertThat(median).isEqualTo(new Outcome.Measured(200, 300, 0, 1.0, 5, 30));
    }

    @Test
    void anEvenNumberOfRunsAveragesTheMiddleTwo() {
        Outcome median = Outcome.median(List.of(run(100, 2, 10)), run(200, 4, 20));
        assertThat(median).isEqualTo(new Outcome.Measured(150, 200, 0, 1.0, 3, 15));
    }

    @Test
    void aFailedRunIsNeverHiddenByTheOthers() {
        Outcome failed = new Outcome.Failed("pgbench exit 1");
        assertThat(Outcome.median(List.of(run(1, 1, 1), failed), run(2, 2, 2))).isSameAs(failed);
        assertThat(Outcome.median(List.of(run(1, 1, 1)), failed)).isSameAs(failed);
        Outcome.Measured only = run(5, 5, 5);
        assertThat(Outcome.median(List.of(), only)).isSameAs(only);
    }
}
