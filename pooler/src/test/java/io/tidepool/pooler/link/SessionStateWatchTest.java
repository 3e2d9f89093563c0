package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.backend.TransactionStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SET heuristic: a session-level SET is session state unless every parameter it made the server report is
 * tracked (whether it is, the caller says: track_extra_parameters). Bodies are CommandComplete tags as PostgreSQL
 * 15 sends them (tag text + NUL).
 */
class SessionStateWatchTest {

    @Test
    void aSetThatReportedOnlyTrackedParametersIsNotSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        assertThat(set(watch, TransactionStatus.IDLE)).isNull();
        watch.parameterReported(true);
        assertThat(watch.onReadyForQuery()).isNull();
    }

    @Test
    void aSetThatReportedAnUntrackedParameterIsSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        set(watch, TransactionStatus.IDLE);
        watch.parameterReported(true);
        watch.parameterReported(false);             // SET ROLE: is_superuser as well
        assertThat(watch.onReadyForQuery()).isEqualTo(SessionStateWatch.UNREPORTED_SET);
        assertThat(SessionStateWatch.isCertain(SessionStateWatch.UNREPORTED_SET)).isFalse();
    }

    /** search_path on PostgreSQL 15: nothing reported, so nothing the pooler could replay. */
    @Test
    void aSetThatReportedNothingIsSessionState() {
        SessionStateWatch watch = new SessionStateWatch();
        set(watch, TransactionStatus.IDLE);
        assertThat(watch.onReadyForQuery()).isEqualTo(SessionStateWatch.UNREPORTED_SET);
        assertThat(watch.onReadyForQuery()).as("judged once").isNull();
    }

    private static String set(SessionStateWatch watch, TransactionStatus before) {
        ByteBuf body = Unpooled.copiedBuffer("SET\0", StandardCharsets.US_ASCII);
        try {
            return watch.onCommandComplete(body, before);
        } finally {
            body.release();
        }
    }
}
