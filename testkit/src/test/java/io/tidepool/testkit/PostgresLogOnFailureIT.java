package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs small test classes through the JUnit launcher and checks what the extension printed. */
class PostgresLogOnFailureIT {

    @Test
    void printsTheLogOfAClusterTheFailingTestHadAlreadyClosed() {
        Run run = execute(FailsAfterClosingItsCluster.class);
        assertThat(run.summary.getTotalFailureCount()).isEqualTo(1);
        assertThat(run.stderr).contains("==== server logs for failed test", "postgres primary :",
                "(closed during the test)", "division by zero");
    }

    @Test
    void printsNothingWhenTheTestPasses() {
        Run run = execute(PassesWithACluster.class);
        assertThat(run.summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(run.stderr).doesNotContain("server logs");
    }

    private record Run(TestExecutionSummary summary, String stderr) {
    }

    private static Run execute(Class<?> testClass) {
        var listener = new SummaryGeneratingListener();
        var captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LauncherFactory.create().execute(
                    LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), listener);
        } finally {
            System.setErr(original);
        }
        String stderr = captured.toString(StandardCharsets.UTF_8);
        original.print(stderr);   // keep it visible in this IT's own report
        return new Run(listener.getSummary(), stderr);
    }

    /** Not run by Failsafe itself (nested classes are excluded); only through {@link #execute}. */
    @ExtendWith(PostgresLogOnFailure.class)
    static class FailsAfterClosingItsCluster {
        @Test
        void failsAfterAServerError() {
            try (var cluster = PostgresCluster.builder().start()) {
                cluster.primary().psql("-c", "select 1/0");
            }
            Assertions.fail("deliberate failure to make the extension print the log");
        }
    }

    /** Not run by Failsafe itself; only through {@link #execute}. */
    @ExtendWith(PostgresLogOnFailure.class)
    static class PassesWithACluster {
        @Test
        void passes() {
            try (var cluster = PostgresCluster.builder().start()) {
                assertThat(cluster.primary().queryString("select 1")).isEqualTo("1");
            }
        }
    }
}
