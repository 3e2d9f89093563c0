package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.backend.TransactionStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.tidepool.wire.backend.TransactionStatus.IDLE;
import static io.tidepool.wire.backend.TransactionStatus.IN_TRANSACTION;
import static io.tidepool.wire.backend.TransactionStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SET heuristic: a session-level SET is session state unless every parameter it made the server report is
 * tracked (whether it is, the caller says: track_extra_parameters), judged when its transaction commits (a SET in a
 * rolled-back block is undone; SET LOCAL never persists). Bodies are CommandComplete tags as PostgreSQL 15 sends them
 * (tag text + NUL); the IT SetInTransactionBlockIT runs the same sequences against PostgreSQL.
 */
class SessionStateWatchTest {

    @Test
    void aSetThatReportedOnlyTrackedParametersIsNotSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        assertThat(tag(watch, "SET")).isNull();
        watch.parameterReported(true);
        assertThat(ready(watch, IDLE)).isNull();
    }

    @Test
    void aSetThatReportedAnUntrackedParameterIsSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "SET");
        watch.parameterReported(true);
        watch.parameterReported(false);             // SET ROLE: is_superuser as well
        assertThat(ready(watch, IDLE)).isEqualTo(SessionStateWatch.UNREPORTED_SET);
        assertThat(SessionStateWatch.isCertain(SessionStateWatch.UNREPORTED_SET)).isFalse();
    }

    /** search_path on PostgreSQL 15: nothing reported, so nothing the pooler could replay. */
    @Test
    void aSetThatReportedNothingIsSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "SET");
        assertThat(ready(watch, IDLE)).isEqualTo(SessionStateWatch.UNREPORTED_SET);
        assertThat(ready(watch, IDLE)).as("judged once").isNull();
    }

    /** BEGIN / SET / COMMIT as three requests: judged at the COMMIT, not dropped because it ran inside the block. */
    @Test
    void aSetInsideACommittedBlockIsSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "BEGIN");
        assertThat(ready(watch, IN_TRANSACTION)).isNull();
        tag(watch, "SET");
        assertThat(ready(watch, IN_TRANSACTION)).as("fate unknown yet").isNull();
        assertThat(watch.outcome()).isEqualTo(SessionStateWatch.Outcome.OPEN);
        tag(watch, "COMMIT");
        assertThat(ready(watch, IDLE)).isEqualTo(SessionStateWatch.UNREPORTED_SET);
        assertThat(watch.outcome()).isEqualTo(SessionStateWatch.Outcome.COMMITTED);
    }

    @Test
    void aSetInsideABlockInOneQueryIsSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "BEGIN");
        tag(watch, "SET");
        tag(watch, "COMMIT");
        tag(watch, "BEGIN");
        tag(watch, "SELECT 1");
        tag(watch, "ROLLBACK");
        assertThat(ready(watch, IDLE)).as("committed before the second block rolled back")
                .isEqualTo(SessionStateWatch.UNREPORTED_SET);
    }

    @Test
    void aSetInsideARolledBackOrFailedBlockIsNot() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "BEGIN");
        ready(watch, IN_TRANSACTION);
        tag(watch, "SET");
        ready(watch, IN_TRANSACTION);
        tag(watch, "ROLLBACK");
        assertThat(ready(watch, IDLE)).isNull();
        assertThat(watch.outcome()).isEqualTo(SessionStateWatch.Outcome.ROLLED_BACK);

        tag(watch, "BEGIN");
        tag(watch, "SET");
        watch.onError();                            // SELECT 1/0
        assertThat(ready(watch, FAILED)).isNull();
        tag(watch, "ROLLBACK");                     // what PostgreSQL answers to COMMIT of a failed block
        assertThat(ready(watch, IDLE)).isNull();

        tag(watch, "SET");                          // SET a; SELECT 1/0 in one Query: the implicit block aborts
        watch.onError();
        assertThat(ready(watch, IDLE)).isNull();
    }

    /** ROLLBACK TO SAVEPOINT keeps the block open: whether the SET survived is unknown, so it still counts. */
    @Test
    void aSetBeforeARollbackToSavepointStillCounts() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "BEGIN");
        tag(watch, "SET");
        tag(watch, "SAVEPOINT");
        tag(watch, "ROLLBACK");
        assertThat(ready(watch, IN_TRANSACTION)).isNull();
        assertThat(watch.rolledBackToSavepoint()).isTrue();
        tag(watch, "COMMIT");
        assertThat(ready(watch, IDLE)).isEqualTo(SessionStateWatch.UNREPORTED_SET);
    }

    @Test
    void setLocalIsExcusedInOrder() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "BEGIN");
        watch.localSetSent();
        tag(watch, "SET");
        tag(watch, "COMMIT");
        assertThat(ready(watch, IDLE)).isNull();

        watch.localSetSent();                       // SET LOCAL a = 1; SET b = 2 in one Query
        tag(watch, "BEGIN");
        tag(watch, "SET");
        tag(watch, "SET");
        tag(watch, "COMMIT");
        assertThat(ready(watch, IDLE)).isEqualTo(SessionStateWatch.UNREPORTED_SET);
    }

    @Test
    void anErrorForgetsAnnouncedSetLocals() {
        SessionStateWatch watch = new SessionStateWatch();
        watch.localSetSent();
        watch.onError();                            // the SET LOCAL never ran
        assertThat(ready(watch, IDLE, 1)).isNull();
        tag(watch, "SET");                          // the next pipelined request: a plain SET
        assertThat(ready(watch, IDLE)).isEqualTo(SessionStateWatch.UNREPORTED_SET);
    }

    @Test
    void aCapturedSetIsCarriedNotCounted() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "BEGIN");
        ready(watch, IN_TRANSACTION);
        tag(watch, "SET");
        assertThat(watch.onReadyForQuery(IN_TRANSACTION, 0, true)).isNull();
        tag(watch, "COMMIT");
        assertThat(ready(watch, IDLE)).isNull();
        assertThat(watch.outcome()).isEqualTo(SessionStateWatch.Outcome.COMMITTED);
    }

    /** A recognised SET accounts for its own tag only: an Execute'd SET in the same request still counts. */
    @Test
    void aCaptureExcusesOneSetTagOnly() {
        SessionStateWatch watch = new SessionStateWatch();
        tag(watch, "SET");
        tag(watch, "SET");
        assertThat(watch.onReadyForQuery(IDLE, 0, true)).isEqualTo(SessionStateWatch.UNREPORTED_SET);
    }

    @Test
    void listenAndPrepareAreCertain() {
        SessionStateWatch watch = new SessionStateWatch();
        assertThat(tag(watch, "LISTEN")).isEqualTo("LISTEN");
        assertThat(tag(watch, "PREPARE")).isEqualTo("SQL PREPARE");
        assertThat(SessionStateWatch.isCertain("LISTEN")).isTrue();
    }

    private static String ready(SessionStateWatch watch, TransactionStatus status) {
        return ready(watch, status, 0);
    }

    private static String ready(SessionStateWatch watch, TransactionStatus status, int outstanding) {
        return watch.onReadyForQuery(status, outstanding, false);
    }

    private static String tag(SessionStateWatch watch, String tag) {
        ByteBuf body = Unpooled.copiedBuffer(tag + "\0", StandardCharsets.US_ASCII);
        try {
            return watch.onCommandComplete(body);
        } finally {
            body.release();
        }
    }
}
