package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.backend.TransactionStatus;
import org.jspecify.annotations.Nullable;


/**
 * Notices, from what the protocol makes observable, a client of transaction or statement pooling using session state
 * that will not follow it to its next server connection: {@code LISTEN}, SQL-level {@code PREPARE}, and a
 * session-level {@code SET} of a parameter the server does not report, or reports but the pooler does not track
 * (a tracked one is replayed by the pooler; see {@code server.TrackedParameters}).
 * Advisory locks, temporary tables and WITH HOLD cursors are not observable in the protocol; the README lists them.
 *
 * <p>Looks only at CommandComplete tags, and only for clients whose statements are tracked. Event-loop confined.
 */
public final class SessionStateWatch {

    /** The SET heuristic's feature name; see {@link #isCertain}. */
    public static final String UNREPORTED_SET = "SET of a parameter the server did not report back";

    private boolean reportedSinceLastCommand;
    private boolean unreplayedSinceLastCommand;
    private boolean setPending;

    /** Whether the feature was certainly used (LISTEN, PREPARE), as opposed to the SET heuristic. */
    public static boolean isCertain(String feature) {
        return !feature.equals(UNREPORTED_SET);
    }

    /**
     * A ParameterStatus arrived: the SET it belongs to is replayable if the pooler replays that parameter.
     *
     * @param tracked whether the parameter is one the pooler carries per client (the built-in five and
     *                track_extra_parameters; the caller decides, this package does not read the configuration)
     */
    public void parameterReported(boolean tracked) {
        reportedSinceLastCommand = true;
        if (!tracked) {
            unreplayedSinceLastCommand = true;        // SET ROLE / SESSION AUTHORIZATION report is_superuser...
        }
    }

    /**
     * A CommandComplete arrived.
     *
     * @param body         its body (the tag and NUL)
     * @param statusBefore the transaction status of the last ReadyForQuery: a SET outside a transaction block is
     *                     session-level
     * @return the feature used, when the tag alone says so (LISTEN, PREPARE); a SET is judged at ReadyForQuery
     */
    public @Nullable String onCommandComplete(ByteBuf body, TransactionStatus statusBefore) {
        if (CommandTag.is(body, CommandTag.LISTEN)) {
            return "LISTEN";
        }
        if (CommandTag.is(body, CommandTag.PREPARE)) {
            return "SQL PREPARE";
        }
        if (CommandTag.is(body, CommandTag.SET) && statusBefore == TransactionStatus.IDLE) {
            setPending = true;
        }
        return null;
    }

    /**
     * A ReadyForQuery arrived. PostgreSQL 14+ reports changed parameters just before ReadyForQuery, so this is where
     * a session-level SET is judged: replayable if every parameter it reported is one the pooler replays.
     *
     * @return {@link #UNREPORTED_SET} or null
     */
    public @Nullable String onReadyForQuery() {
        boolean replayable = reportedSinceLastCommand && !unreplayedSinceLastCommand;
        boolean set = setPending;
        setPending = false;
        reportedSinceLastCommand = false;
        unreplayedSinceLastCommand = false;
        return set && !replayable ? UNREPORTED_SET : null;
    }

}
