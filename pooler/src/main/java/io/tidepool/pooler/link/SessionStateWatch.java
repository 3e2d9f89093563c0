package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.backend.TransactionStatus;
import org.jspecify.annotations.Nullable;


/**
 * Notices, from what the protocol makes observable, a client of transaction or statement pooling using session state
 * that will not follow it to its next server connection: {@code LISTEN}, SQL-level {@code PREPARE}, and a
 * session-level {@code SET} of a parameter the server does not report, or reports but the pooler does not track
 * (a tracked one is replayed by the pooler; see {@code server.TrackedParameters}).
 * Temporary tables, WITH HOLD cursors and session-level advisory locks have no tag or message of their own: the
 * client's side finds them in the SQL text it forwards ({@link SessionObjectScan}) and judges them with the
 * {@link #outcome()} of their transaction, as the SETs the pooler carries.
 *
 * <p>A plain SET inside a transaction block is session-level too: PostgreSQL keeps it after COMMIT and undoes it on
 * ROLLBACK (sql-set.html). So a SET is judged when its transaction's fate is known: at the ReadyForQuery that ends the
 * transaction (status idle), or at a COMMIT tag ({@code COMMIT AND CHAIN}, or several statements in one Query). A
 * transaction ends rolled back when its last tag is ROLLBACK (PostgreSQL also answers COMMIT of a failed block so) or
 * when its request failed and left the session idle (an implicit transaction, or a COMMIT whose deferred checks
 * failed). SET LOCAL and SET TRANSACTION carry the same tag and never persist: the client's side announces each one
 * it forwards ({@link #localSetSent}), and that many SET tags are excused, in order. What is left uncertain (a
 * ROLLBACK TO SAVEPOINT after a SET, a SET through a named statement) counts as session state: pinning a client that
 * did not need it costs a server, missing one leaks its setting to another client.
 *
 * <p>Looks only at CommandComplete tags, and only for clients whose statements are tracked. One per client; owned by
 * its parameter bookkeeping; event-loop confined.
 */
public final class SessionStateWatch {

    /** The SET heuristic's feature name; see {@link #isCertain}. */
    public static final String UNREPORTED_SET = "SET of a parameter the server did not report back";

    /** How the transaction around the last request ended, for the SETs the pooler carries itself. */
    public enum Outcome {
        /** Still inside a transaction block (or nothing to say). */
        OPEN,
        /** Committed (a COMMIT tag, or the transaction ended idle without a rollback). */
        COMMITTED,
        /** Rolled back: every SET since the block began is undone. */
        ROLLED_BACK
    }

    private boolean reportedSinceLastCommand;
    private boolean unreplayedSinceLastCommand;
    /** Unexcused SET tags of this request: settled by a later COMMIT tag of the same request, or still pending. */
    private boolean setSettled;
    private boolean setPending;
    /** An unreplayable SET from an earlier request of the open transaction block: its fate is not known yet. */
    private boolean blockHasSet;
    /** A COMMIT tag of this request settled {@link #blockHasSet}: it persists. */
    private boolean blockSetCommitted;
    private boolean commitInRequest;
    private boolean lastTagRollback;
    private boolean errorInRequest;
    private boolean savepointRollback;
    private int localSets;
    /** Unexcused SET tags of this request: a captured SET accounts for one only. */
    private int setsInRequest;
    private Outcome outcome = Outcome.OPEN;

    /** Whether the feature was certainly used (LISTEN, PREPARE), as opposed to the SET heuristic. */
    public static boolean isCertain(String feature) {
        return !feature.equals(UNREPORTED_SET);
    }

    /** The client forwarded a SET LOCAL or SET TRANSACTION: the next unexcused SET tag is that one's. */
    public void localSetSent() {
        localSets++;
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

    /** The server relayed an ErrorResponse: what remains of the request is skipped, SET LOCALs included. */
    public void onError() {
        errorInRequest = true;
        localSets = 0;                                // fewer tags than announced now: excuse nothing by mistake
    }

    /**
     * A CommandComplete arrived.
     *
     * @param body its body (the tag and NUL)
     * @return the feature used, when the tag alone says so (LISTEN, PREPARE); a SET is judged at ReadyForQuery
     */
    public @Nullable String onCommandComplete(ByteBuf body) {
        lastTagRollback = false;
        if (CommandTag.is(body, CommandTag.SET)) {
            if (localSets > 0) {
                localSets--;
            } else {
                setPending = true;
                setsInRequest++;
            }
        } else if (CommandTag.is(body, CommandTag.COMMIT)) {
            commitInRequest = true;
            setSettled |= setPending;
            setPending = false;
            blockSetCommitted |= blockHasSet;
            blockHasSet = false;
        } else if (CommandTag.is(body, CommandTag.ROLLBACK)) {
            lastTagRollback = true;
        } else if (CommandTag.is(body, CommandTag.LISTEN)) {
            return "LISTEN";
        } else if (CommandTag.is(body, CommandTag.PREPARE)) {
            return "SQL PREPARE";
        }
        return null;
    }

    /**
     * A ReadyForQuery arrived. PostgreSQL 14+ reports changed parameters just before ReadyForQuery, so this is where a
     * SET of this request is found replayable (every parameter it reported is one the pooler replays) or not, and
     * where the SETs of a transaction that ended are judged.
     *
     * @param status      the status this ReadyForQuery reports
     * @param outstanding requests still unanswered after this one (pipelining)
     * @param captured    the request was one SET the client's side recognised and carries itself
     * @return {@link #UNREPORTED_SET} or null
     */
    public @Nullable String onReadyForQuery(TransactionStatus status, int outstanding, boolean captured) {
        boolean unreplayable = !(captured && setsInRequest <= 1)
                && !(reportedSinceLastCommand && !unreplayedSinceLastCommand);
        boolean persists = blockSetCommitted || unreplayable && setSettled;
        boolean open = blockHasSet || unreplayable && setPending;
        boolean idle = status == TransactionStatus.IDLE;
        boolean rolledBack = idle && (lastTagRollback || errorInRequest);
        if (idle) {
            persists |= open && !rolledBack;
            open = false;
        }
        outcome = commitInRequest ? Outcome.COMMITTED
                : !idle ? Outcome.OPEN
                : rolledBack ? Outcome.ROLLED_BACK : Outcome.COMMITTED;
        savepointRollback = !idle && lastTagRollback;
        blockHasSet = open;
        blockSetCommitted = false;
        setSettled = false;
        setPending = false;
        setsInRequest = 0;
        commitInRequest = false;
        lastTagRollback = false;
        errorInRequest = false;
        reportedSinceLastCommand = false;
        unreplayedSinceLastCommand = false;
        if (outstanding == 0) {
            localSets = 0;                            // nothing in flight: every announced SET LOCAL was answered
        }
        return persists ? UNREPORTED_SET : null;
    }

    /** How the transaction around the request that the last {@link #onReadyForQuery} closed ended. */
    public Outcome outcome() {
        return outcome;
    }

    /** Whether the last request ended with a ROLLBACK tag while the block stays open (ROLLBACK TO SAVEPOINT). */
    public boolean rolledBackToSavepoint() {
        return savepointRollback;
    }

    /**
     * A ROLLBACK TO SAVEPOINT undid an unknown part of the block: a SET the client's side held for the block is now
     * uncertain, so it is judged like an unrecognised one when the block ends.
     */
    public void uncertainSetInBlock() {
        blockHasSet = true;
    }
}
