package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.backend.TransactionStatus;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;

/**
 * Notices, from what the protocol makes observable, a client of transaction or statement pooling using session state
 * that will not follow it to its next server connection: {@code LISTEN}, SQL-level {@code PREPARE}, and a
 * session-level {@code SET} of a parameter the server does not report (a reported one is replayed by the pooler).
 * Advisory locks, temporary tables and WITH HOLD cursors are not observable in the protocol; the README lists them.
 *
 * <p>Looks only at CommandComplete tags, and only for clients whose statements are tracked. Event-loop confined.
 */
public final class SessionStateWatch {
    private static final byte[] LISTEN = "LISTEN\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREPARE = "PREPARE\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "SET\0".getBytes(StandardCharsets.US_ASCII);

    /** The SET heuristic's feature name; see {@link #isCertain}. */
    public static final String UNREPORTED_SET = "SET of a parameter the server did not report back";

    private boolean reportedSinceLastCommand;

    /** Whether the feature was certainly used (LISTEN, PREPARE), as opposed to the SET heuristic. */
    public static boolean isCertain(String feature) {
        return !feature.equals(UNREPORTED_SET);
    }

    /** A ParameterStatus arrived: the SET it belongs to (if any) is replayable. */
    public void parameterReported() {
        reportedSinceLastCommand = true;
    }

    /**
     * A CommandComplete arrived.
     *
     * @param body        its body (the tag and NUL)
     * @param statusBefore the transaction status of the last ReadyForQuery: a SET outside a transaction block is
     *                    session-level
     * @return the feature used, or null
     */
    public @Nullable String onCommandComplete(ByteBuf body, TransactionStatus statusBefore) {
        boolean reported = reportedSinceLastCommand;
        reportedSinceLastCommand = false;
        if (is(body, LISTEN)) {
            return "LISTEN";
        }
        if (is(body, PREPARE)) {
            return "SQL PREPARE";
        }
        if (is(body, SET) && !reported && statusBefore == TransactionStatus.IDLE) {
            // Also true of a SET to the value the parameter already had (the server reports only changes), so it
            // is only ever a warning, never a reason to refuse the client.
            return UNREPORTED_SET;
        }
        return null;
    }

    private static boolean is(ByteBuf body, byte[] tag) {
        if (body.readableBytes() != tag.length) {
            return false;
        }
        for (int i = 0; i < tag.length; i++) {
            if (body.getByte(body.readerIndex() + i) != tag[i]) {
                return false;
            }
        }
        return true;
    }
}
