package io.tidepool.pooler.link;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Queries and FunctionCalls the server skips after an error in an extended batch (issue 3, RELIABILITY case 74),
 * for messages passed through unchanged (a client without statement tracking). The reply sequences are PostgreSQL
 * 15's, as SkipToSyncIT and PipelineIT record them against the real server (e.g. {@code 1E(22012)Z} for
 * Parse "SELECT 1/0", Bind, Execute, Query, Sync: the division is folded at Bind); here they are fed as a server
 * connection feeds them.
 */
class RequestTrackerSkipTest {
    private final RequestTracker tracker = new RequestTracker();
    private final ServerStatements statements = new ServerStatements(new KnownStatements());

    private void sent(String types) {
        for (char c : types.toCharArray()) {
            tracker.addPassedThrough((byte) c);
        }
    }

    private void replies(String types) {
        for (char c : types.toCharArray()) {
            assertThat(tracker.onServerMessage((byte) c, statements)).as("reply '%s' swallowed", c).isFalse();
        }
    }

    @Test
    void queryAfterTheFailedBindIsSkipped() {
        sent("PBEQS");
        replies("1E");
        assertThat(tracker.takeSkippedReadies()).isEqualTo(1);
        assertThat(tracker.takeSkippedReadies()).as("handed over once").isZero();
        assertThat(tracker.serverSkipping()).as("the Sync is already sent").isFalse();
        replies("Z");
        assertThat(tracker.isEmpty()).isTrue();
    }

    @Test
    void functionCallAndQueryAfterTheErrorAreBothSkipped() {
        sent("PBEFPBEQS");
        replies("1E");
        assertThat(tracker.takeSkippedReadies()).isEqualTo(2);
        replies("Z");
        assertThat(tracker.isEmpty()).isTrue();
    }

    @Test
    void queryBeforeTheErrorRunsAndIsNotSkipped() {
        sent("PBEQPBEQS");
        replies("12DCTDCZ");
        assertThat(tracker.takeSkippedReadies()).isZero();
        replies("1E");
        assertThat(tracker.takeSkippedReadies()).isEqualTo(1);
        replies("Z");
        assertThat(tracker.isEmpty()).isTrue();
    }

    @Test
    void aFailingQueryInTheBatchSkipsNothing() {
        sent("PBEQS");
        replies("12CEZ");                               // the Query's own error: no skip to Sync (not extended)
        assertThat(tracker.takeSkippedReadies()).isZero();
        assertThat(tracker.size()).isEqualTo(1);
        replies("Z");
        assertThat(tracker.isEmpty()).isTrue();
    }

    @Test
    void errorBeforeTheSyncIsSentSkipsTheQueryAndWaitsForTheSync() {
        sent("PBEQ");
        replies("1E");
        assertThat(tracker.takeSkippedReadies()).isEqualTo(1);
        assertThat(tracker.isEmpty()).isTrue();
        assertThat(tracker.serverSkipping()).isTrue();
        sent("S");
        assertThat(tracker.serverSkipping()).isFalse();
        replies("Z");
        assertThat(tracker.isEmpty()).isTrue();
    }

    @Test
    void describeFlushAndCloseArePassedThroughInOrder() {
        sent("PDBEHCS");                                // Describe statement: ParameterDescription then RowDescription
        replies("1tT2DC3");
        assertThat(tracker.size()).isEqualTo(1);
        replies("Z");
        assertThat(tracker.isEmpty()).isTrue();
        assertThat(tracker.takeSkippedReadies()).isZero();
    }
}
