package io.tidepool.pooler.client;

import io.netty.buffer.ByteBuf;
import io.tidepool.pooler.link.SessionObjectScan;
import io.tidepool.pooler.link.SessionStateWatch;
import io.tidepool.pooler.link.SetCapture;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolMode;
import io.tidepool.pooler.pool.PoolSettings;
import io.tidepool.pooler.server.ServerConnection;
import io.tidepool.wire.Frame;
import io.tidepool.wire.backend.TransactionStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client's session parameters as transaction and statement pooling carry them (PgBouncer's varcache, client
 * side): the values it wants on every server connection (startup parameters, tracked parameters the server reported
 * back, and plain SETs the pooler recognised), and the watch that tells session state the pooler cannot carry.
 *
 * <p>A recognised SET inside a transaction block is held until the block's fate is known (RELIABILITY, issue 3):
 * carried when it commits, dropped when it rolls back, as PostgreSQL keeps or undoes it.
 *
 * <p>Session state it cannot carry (LISTEN, SQL PREPARE, an unrecognised SET of an untracked parameter, and what
 * {@link SessionObjectScan} finds in the text: temporary objects and WITH HOLD cursors once their transaction commits,
 * session-level advisory locks at once) pins the client to its server connection until it leaves, per
 * session_state_policy.
 *
 * <p>Owned by one {@link ClientSession}; event-loop confined, like it. Allocates nothing per transaction; a SET in a
 * block costs one list, once per client.
 */
final class ClientParameters {
    /** The session's logger: the pinning line keeps the logger name operators filter on. */
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    /** Names in lower case; the order is the client's (startup packet first), which the welcome keeps. */
    private final Map<String, String> wanted = new LinkedHashMap<>();
    private final Map<String, String> wantedView = java.util.Collections.unmodifiableMap(wanted);
    /** {@link #wanted} as its canonical instance (see {@link #canonical()}); null after a change until asked again. */
    private @Nullable Map<String, String> canonical;
    private final SessionStateWatch watch = new SessionStateWatch();
    /** A plain SET/RESET the client sent in transaction mode, carried with it once the server confirms it. */
    private @Nullable SetCapture pendingSet;
    /** Recognised SETs of the open transaction block, carried when it commits. */
    private @Nullable List<SetCapture> inBlock;
    private boolean requestFailed;
    /** Finds temporary objects, WITH HOLD cursors and advisory locks in forwarded text (state reused per scan). */
    private final SessionObjectScan objects = new SessionObjectScan();
    /** A temporary object or WITH HOLD cursor the request in flight makes: kept if its transaction commits. */
    private @Nullable String objectInRequest;
    /** Such an object made by an earlier request of the open transaction block. */
    private @Nullable String objectInBlock;
    /** Session state the next ReadyForQuery reports whatever the transaction's outcome (an advisory lock...). */
    private @Nullable String objectKept;
    /** Session state was seen: the server stays linked until the client leaves, then it is reset. */
    private boolean pinned;

    /** The parameters this client expects on its server, names in lower case; read-only (change with want/unwant). */
    Map<String, String> wanted() {
        return wantedView;
    }

    /** The client expects {@code value} for {@code name} (lower case) from now on. */
    void want(String name, String value) {
        wanted.put(name, value);
        canonical = null;
    }

    private void unwant(String name) {
        wanted.remove(name);
        canonical = null;
    }

    /**
     * An immutable copy of {@link #wanted()}, the same instance for every client whose parameters are equal: a
     * server connection remembers the instance it last matched, so the next client with the same parameters is
     * recognised by one reference comparison instead of a lookup per parameter (ServerParameters#knownToMatch).
     * Computed again only after a change (login, a carried SET).
     */
    Map<String, String> canonical() {
        Map<String, String> c = canonical;
        if (c == null) {
            c = CanonicalParameters.of(wanted);
            canonical = c;
        }
        return c;
    }

    /**
     * A Query or Parse about to be forwarded (statement tracking on): a plain SET is captured, a SET LOCAL announced
     * to the watch, and the session objects the text makes are noted (see {@link SessionObjectScan}; not once the
     * client is pinned, as nothing more can happen to it). Only text that starts with SET or RESET is decoded; text
     * that starts with B, C, D, S or W is scanned in chunks, other text costs one byte.
     *
     * @param type      the message's type, 'Q' or 'P'
     * @param bytes     the whole message (header included) and nothing else between its reader and writer index; read
     *                  in place, no slice unless a SET is decoded
     * @param pipelined whether earlier requests are still unanswered: a SET is then not captured (the capture is
     *                  matched with the next ReadyForQuery), so its tag counts as session state instead
     */
    void forwarding(byte type, ByteBuf bytes, boolean pipelined) {
        int text = bytes.readerIndex() + Frame.HEADER_LENGTH;
        if (type == 'Q') {
            if (SetCapture.mayBeSetAt(bytes, text)) {
                String sql = io.tidepool.wire.buf.CStrings.read(new Frame(type, bytes).body(), "Query");
                SetCapture capture = SetCapture.of(sql);
                if (capture == null && SetCapture.isLocal(sql)) {
                    watch.localSetSent();
                } else if (!pipelined) {
                    pendingSet = capture;
                }
            }
            // From the start of the text again: `SET a = 1; CREATE TEMP TABLE t ...` makes a session object too.
            if (!pinned && SessionObjectScan.mayMakeObject(bytes, text)) {
                objectsMade(objects.scan(bytes, text), pipelined);
            }
        } else if (type == 'P') {
            int name = bytes.indexOf(text, bytes.writerIndex(), (byte) 0);
            if (name < 0) {
                return;                                     // malformed: the server will say so
            }
            if (SetCapture.mayBeSetAt(bytes, name + 1) && SetCapture.parsesLocalSet(new Frame(type, bytes).body())) {
                watch.localSetSent();
            }
            if (!pinned && SessionObjectScan.mayMakeObject(bytes, name + 1)) {
                // A prepared statement may run in any later transaction: judged as made, whatever this one's fate.
                objectsMade(objects.scan(bytes, name + 1), true);
            }
        }
    }

    /**
     * What a forwarded text makes. A temporary object or WITH HOLD cursor lives only if its transaction commits, so
     * it is judged with that transaction when the request is the only one in flight (its ReadyForQuery is the next
     * one); an advisory lock survives a rollback, and in a pipeline or a Parse the transaction is unknown: those are
     * reported at the next ReadyForQuery, whatever the outcome.
     */
    private void objectsMade(int found, boolean fateUnknown) {
        if (found == 0) {
            return;
        }
        String feature = SessionObjectScan.feature(found);
        if (fateUnknown || (found & SessionObjectScan.FOUND_ADVISORY_LOCK) != 0) {
            objectKept = feature;
        } else {
            objectInRequest = feature;
        }
    }

    /** The server relayed an ErrorResponse for this client's current request. */
    void requestFailed() {
        requestFailed = true;
        watch.onError();
    }

    /** A CommandComplete for this client: the feature it certainly used (LISTEN, PREPARE), or null. */
    @Nullable String commandComplete(ByteBuf body) {
        return watch.onCommandComplete(body);
    }

    /** The server reported a parameter change the client caused (SET): remember it for the next server. */
    void parameterChanged(String name, String value, @Nullable PoolSettings settings) {
        String key = name.toLowerCase(Locale.ROOT);
        boolean tracked = settings != null && settings.trackedParameters().contains(key);
        if (wanted.containsKey(key) || tracked && settings.poolMode() != PoolMode.SESSION) {
            if (!value.equals(wanted.get(key))) {
                want(key, value);
            }
        }
        watch.parameterReported(tracked);
    }

    /**
     * A ReadyForQuery of statement-tracking client reached it: a recognised SET is carried (or held for its block),
     * and session state the pooler cannot carry is reported.
     *
     * @return the session-state feature the request used ({@link SessionStateWatch#UNREPORTED_SET}), or null
     */
    @Nullable String readyForQuery(TransactionStatus status, int outstanding, ServerConnection s) {
        SetCapture captured = requestFailed ? null : pendingSet;
        pendingSet = null;
        requestFailed = false;
        String feature = watch.onReadyForQuery(status, outstanding, captured != null);
        String object = objectKept;
        objectKept = null;
        switch (watch.outcome()) {
            case COMMITTED -> {
                carryBlock(s);
                if (captured != null) {
                    carry(captured, s);
                }
                object = object != null ? object : objectInRequest != null ? objectInRequest : objectInBlock;
                objectInRequest = null;
                objectInBlock = null;
            }
            case ROLLED_BACK -> {
                if (inBlock != null) {
                    inBlock.clear();
                }
                objectInRequest = null;                     // PostgreSQL dropped it with the transaction
                objectInBlock = null;
            }
            case OPEN -> {
                if (objectInRequest != null) {
                    objectInBlock = objectInRequest;        // a ROLLBACK TO SAVEPOINT may undo it: kept anyway
                    objectInRequest = null;
                }
                if (captured != null) {
                    if (inBlock == null) {
                        inBlock = new ArrayList<>(2);
                    }
                    inBlock.add(captured);
                } else if (watch.rolledBackToSavepoint() && inBlock != null && !inBlock.isEmpty()) {
                    inBlock.clear();                        // which of them survived is unknown: session state
                    watch.uncertainSetInBlock();
                }
            }
        }
        return object != null ? object : feature;          // the certain one first: it may be refused
    }

    /**
     * The client used session state that will not follow it to another server connection (transaction or statement
     * mode): counted, logged once per client, and refused when session_state_policy = refuse.
     *
     * @return the refusal's message (the caller ends the client with 0A000), or null when the client goes on pinned
     */
    @Nullable String usedSessionState(String feature, Pool p, ClientSession client) {
        p.group().countSessionStateUse();
        boolean first = !pinned;
        // The state lives on this server connection: the client keeps it (as in session mode) until it leaves, and
        // the server is reset before anyone else gets it (RELIABILITY 68-70: "pinned or reset"), also when the
        // client is refused once the server is idle again (an advisory lock is judged at ReadyForQuery).
        pinned = true;
        if (p.settings().refuseSessionState() && SessionStateWatch.isCertain(feature)) {
            return feature + " is not supported in " + p.settings().poolMode().configName()
                    + " pooling mode (session_state_policy = refuse); use a session-mode pool";
        }
        if (first) {
            log.warn("{} uses {} in {} pooling mode: pinned to its server connection until it disconnects",
                    client, feature, p.settings().poolMode().configName());
        }
        return null;
    }

    /** Whether session state was seen: the client keeps its server until it leaves. */
    boolean pinned() {
        return pinned;
    }

    private void carryBlock(ServerConnection s) {
        List<SetCapture> sets = inBlock;
        if (sets != null && !sets.isEmpty()) {
            for (int i = 0; i < sets.size(); i++) {
                carry(sets.get(i), s);
            }
            sets.clear();
        }
    }

    /**
     * A recognised SET/RESET took effect: the client's wanted value changes (so it is replayed on its next server),
     * and this server remembers that the pooler's bookkeeping owns the value (so the next client gets a RESET).
     */
    private void carry(SetCapture captured, ServerConnection s) {
        String key = captured.name();
        unwant(key);
        if (captured.value() == null) {
            s.parameters().reset(key);
        } else {
            want(key, captured.value());
            s.parameters().applied(key, captured.value());
        }
    }
}
