package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.function.BiConsumer;

/**
 * The responses one server connection still owes, in request order (PgBouncer's {@code outstanding_requests}).
 * Needed because the pooler answers some requests itself (a Parse of a statement the server already has, a Close of
 * a client's statement) and sends some of its own (a Parse on a server that lacks a statement, a Close to make room):
 * their answers must be invented or swallowed at exactly the point where the server would have sent them. For a client
 * without statement tracking the server connection feeds it every message as it is ({@link #addPassedThrough}), so
 * that in every mode it knows which Query or FunctionCall an error made the server skip ({@link #takeSkippedReadies}).
 *
 * <p>Rules (protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY): each Parse, Bind, Close ends with one completion message;
 * Describe with RowDescription or NoData; Execute with CommandComplete, PortalSuspended or EmptyQueryResponse; Sync,
 * Query and FunctionCall with ReadyForQuery. After an ErrorResponse in an extended batch the server skips to the next
 * Sync, so every request before that Sync is answered by nothing.
 *
 * <p>The pooler changes its statement caches when it sends a request, assuming the server will run it (the
 * {@linkplain Kind#assumed() assumed} kinds). A skipped request is rolled back, newest first: a skipped Parse prepared
 * nothing, a skipped Close closed nothing. Those assumptions hold for later requests of the same Sync batch (they are
 * skipped too if an earlier one fails), but not for a later batch: the server runs it whatever happened before. So
 * while a batch with assumptions is closed (its Sync sent) and not yet answered, {@link #awaitingOutcome()} is true
 * and the client's later batches are held back (the pipeline barrier). Event-loop confined.
 */
public final class RequestTracker {
    /** What a pending request is and who answers it. */
    public enum Kind {
        /** A client's named Parse, sent under the server-side name. */
        PARSE,
        PARSE_UNNAMED,
        /** A client's named Parse answered by the pooler (the server has the statement). */
        PARSE_FAKE,
        /** A Parse the pooler sent on its own, for a Bind or Describe on a server lacking the statement. */
        PARSE_SILENT,
        ERROR_FAKE, BIND, DESCRIBE_STATEMENT, DESCRIBE_PORTAL, EXECUTE, CLOSE,
        /** A Close the pooler answers that changed nothing (a portal-less unknown statement name). */
        CLOSE_FAKE,
        /** A Close of a client statement, answered by the pooler; the client's name was forgotten. */
        CLOSE_CLIENT,
        /** A Close the pooler sent to make room in the server's cache. */
        CLOSE_SILENT,
        SYNC, QUERY, FUNCTION_CALL,
        /**
         * A client's CopyDone or CopyFail sent before the server said it is copying: no reply of its own, it marks
         * where the copy data ends (Syncs before it are ignored if the server turns out to be in copy-in). Dropped
         * when it reaches the head of the queue.
         */
        COPY_END;

        /** Whether the pooler changed a statement cache on the assumption that the server runs this request. */
        boolean assumed() {
            return switch (this) {
                case PARSE, PARSE_FAKE, PARSE_SILENT, CLOSE_CLIENT, CLOSE_SILENT -> true;
                default -> false;
            };
        }
    }

    /** ParseComplete and CloseComplete as the pooler sends them when it answers for the server (never released). */
    public static final ByteBuf PARSE_COMPLETE = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeByte('1').writeInt(4)).asReadOnly();
    public static final ByteBuf CLOSE_COMPLETE = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeByte('3').writeInt(4)).asReadOnly();

    private final ArrayDeque<Kind> pending = new ArrayDeque<>();
    /** Server-side names of the PARSE, PARSE_SILENT and CLOSE_SILENT entries, in order. */
    private final ArrayDeque<String> serverNames = new ArrayDeque<>();
    /** Client-side names of the PARSE, PARSE_FAKE and CLOSE_CLIENT entries, in order. */
    private final ArrayDeque<String> clientNames = new ArrayDeque<>();
    /** What each CLOSE_CLIENT entry made the client forget, in order. */
    private final ArrayDeque<StatementDef> closedDefs = new ArrayDeque<>();
    private final ArrayDeque<ByteBuf> errors = new ArrayDeque<>();
    /** Scratch for a rollback of the server cache, newest first (reused: errors allocate nothing after warm-up). */
    private final ArrayDeque<Kind> undoKinds = new ArrayDeque<>();
    private final ArrayDeque<String> undoServerNames = new ArrayDeque<>();
    /** Client statements to set back, oldest first (applied newest first): name and its previous definition. */
    private final ArrayList<String> undoClientNames = new ArrayList<>();
    private final ArrayList<@Nullable StatementDef> undoClientDefs = new ArrayList<>();
    /** Assumed entries of the batch still open (no Sync sent after them) and of closed batches. */
    private int openAssumed;
    private int closedAssumed;
    /** An error with no Sync pending: the server ignores everything until the client's next Sync. */
    private boolean serverSkipping;
    /** Queries and FunctionCalls the server skipped after an error: no ReadyForQuery will answer them. */
    private int skippedReadies;
    /**
     * The server is in copy-in (CopyInResponse or CopyBothResponse relayed) and the client has not ended its data
     * yet: PostgreSQL ignores a Sync or Flush received during copy-in (protocol-flow.html#PROTOCOL-COPY), so a Sync
     * the client sends now gets no ReadyForQuery.
     */
    private boolean copyIn;
    /** Syncs already counted that the server ignored because they arrived during copy-in; see {@link #copyIn}. */
    private int ignoredSyncs;

    public void add(Kind kind) {
        if (kind == Kind.COPY_END && pending.isEmpty()) {
            return;                                         // nothing before it to mark the end of
        }
        pending.addLast(kind);
        if (kind.assumed()) {
            openAssumed++;
        } else if (kind == Kind.SYNC) {
            closedAssumed += openAssumed;
            openAssumed = 0;
            serverSkipping = false;
        }
    }

    /**
     * A client message forwarded as it is, for a client without statement tracking (max_prepared_statements = 0 or
     * session mode), so that the replies, and the Query or FunctionCall an error makes the server skip, are known in
     * every pool mode. Its statement names are not tracked: a Parse is accounted like an unnamed one.
     */
    public void addPassedThrough(byte type) {
        switch (type) {
            case 'P' -> add(Kind.PARSE_UNNAMED);
            case 'B' -> add(Kind.BIND);
            case 'E' -> add(Kind.EXECUTE);
            case 'D' -> add(Kind.DESCRIBE_PORTAL);          // either Describe ends with RowDescription or NoData
            case 'C' -> add(Kind.CLOSE);
            case 'S' -> {
                if (!copyIn) {
                    add(Kind.SYNC);
                }
            }
            case 'Q' -> add(Kind.QUERY);
            case 'F' -> add(Kind.FUNCTION_CALL);
            case 'c', 'f' -> {
                if (copyIn) {
                    copyIn = false;                         // the data ends: the server answers Syncs again
                } else {
                    add(Kind.COPY_END);
                }
            }
            default -> {
                // Flush, CopyData: no reply of their own
            }
        }
    }

    /** An ErrorResponse the pooler owes the client at this point of the stream (a duplicate statement name). */
    public void addFakeError(ByteBuf error) {
        add(Kind.ERROR_FAKE);
        errors.addLast(error);
    }

    /** A Close the pooler sent to make room; its name comes back into the cache if the server skips it. */
    public void addEviction(String serverName) {
        add(Kind.CLOSE_SILENT);
        serverNames.addLast(serverName);
    }

    /** A Parse the pooler sent on its own (PARSE_SILENT); the name leaves the cache if the server skips it. */
    public void addSilentParse(String serverName) {
        add(Kind.PARSE_SILENT);
        serverNames.addLast(serverName);
    }

    /** A client's named Parse: sent (PARSE) or answered by the pooler (PARSE_FAKE). */
    public void addClientParse(Kind kind, String serverName, String clientName) {
        if (kind != Kind.PARSE && kind != Kind.PARSE_FAKE) {
            throw new IllegalArgumentException("not a client Parse: " + kind);
        }
        add(kind);
        if (kind == Kind.PARSE) {
            serverNames.addLast(serverName);
        }
        clientNames.addLast(clientName);
    }

    /** A client's Close of its statement {@code name}, which was {@code def}: restored if the server skips it. */
    public void addClientClose(String name, StatementDef def) {
        add(Kind.CLOSE_CLIENT);
        clientNames.addLast(name);
        closedDefs.addLast(def);
    }

    /**
     * True while a closed batch holds requests whose outcome the caches assume: a later batch must not be rewritten
     * until they are answered (or skipped), because the server runs it either way.
     */
    public boolean awaitingOutcome() {
        return closedAssumed > 0;
    }

    /** True after an error with no Sync sent yet: the server will ignore every message up to the client's Sync. */
    public boolean serverSkipping() {
        return serverSkipping;
    }

    /** Whether a Sync the client sends now is ignored by the server (it arrives during copy-in). */
    public boolean ignoresSync() {
        return copyIn;
    }

    /** Hands over (and clears) the number of Syncs already counted that the server ignored during copy-in. */
    public int takeIgnoredSyncs() {
        int ignored = ignoredSyncs;
        ignoredSyncs = 0;
        return ignored;
    }

    /**
     * Hands over (and clears) the number of Queries and FunctionCalls the server skipped after the last error: they
     * were sent inside an extended batch after the failed message, and only the batch's Sync gets a ReadyForQuery.
     */
    public int takeSkippedReadies() {
        int skipped = skippedReadies;
        skippedReadies = 0;
        return skipped;
    }

    public boolean hasUndo() {
        return !undoClientNames.isEmpty();
    }

    /**
     * Hands over (and clears), newest first, the client statements to set back because the server skipped the
     * request that changed them: name and previous definition (null: the name did not exist).
     */
    public void drainUndo(BiConsumer<String, @Nullable StatementDef> setBack) {
        for (int i = undoClientNames.size() - 1; i >= 0; i--) {
            setBack.accept(undoClientNames.get(i), undoClientDefs.get(i));
        }
        undoClientNames.clear();
        undoClientDefs.clear();
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    public int size() {
        return pending.size();
    }

    /**
     * Accounts for one message from the server.
     *
     * @return true when the message answers a request the pooler made itself and must not reach the client
     */
    public boolean onServerMessage(byte type, ServerStatements statements) {
        Kind head = pending.peekFirst();
        if (head == null) {
            return false;
        }
        switch (type) {
            case '1' -> {
                if (head == Kind.PARSE || head == Kind.PARSE_SILENT || head == Kind.PARSE_UNNAMED) {
                    poll();
                    if (head != Kind.PARSE_UNNAMED) {
                        statements.confirmed(serverNames.pollFirst());
                    }
                    if (head == Kind.PARSE) {
                        clientNames.pollFirst();
                    }
                    return head == Kind.PARSE_SILENT;
                }
            }
            case '2' -> popIf(head, Kind.BIND);
            case 'T', 'n' -> {
                if (head == Kind.DESCRIBE_STATEMENT || head == Kind.DESCRIBE_PORTAL) {
                    poll();
                }
            }
            case 'C', 's', 'I' -> popIf(head, Kind.EXECUTE);
            case '3' -> {
                if (head == Kind.CLOSE || head == Kind.CLOSE_SILENT) {
                    poll();
                    if (head == Kind.CLOSE_SILENT) {
                        serverNames.pollFirst();
                        return true;
                    }
                }
            }
            case 'G', 'W' -> {
                if (head == Kind.EXECUTE || head == Kind.QUERY) {
                    copyInStarted();
                }
            }
            case 'E' -> {
                copyIn = false;                             // an error ends copy-in (protocol-flow.html#PROTOCOL-COPY)
                if (head != Kind.QUERY && head != Kind.FUNCTION_CALL) {
                    // protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY: the server discards messages until a Sync; with
                    // none sent yet, it will also discard what the client sends before its Sync.
                    rollBack(statements, false);
                    serverSkipping = pending.isEmpty();
                }
            }
            case 'Z' -> {
                // Whatever is still pending before this request's end was never answered: the server skipped it.
                rollBack(statements, true);
                poll();
            }
            default -> {
            }
        }
        return false;
    }

    /**
     * The server entered copy-in for the request at the head: the Syncs the client sent after it and before its
     * CopyDone or CopyFail reached the server during copy-in and were ignored. Those already queued are taken out
     * (and counted in {@link #takeIgnoredSyncs}); if the client has not ended its data yet, later ones are not queued.
     */
    private void copyInStarted() {
        var entries = pending.iterator();
        entries.next();                                     // the COPY's own Execute or Query
        while (entries.hasNext()) {
            Kind kind = entries.next();
            if (kind == Kind.COPY_END) {
                entries.remove();
                return;
            }
            if (kind == Kind.SYNC) {
                entries.remove();
                ignoredSyncs++;
            }
        }
        copyIn = true;
    }

    /**
     * Rolls back, newest first, what the pooler assumed of the requests the server skipped: those at the head of the
     * queue up to the end of their batch (a Close evicting X then a Parse of X, both skipped, leave X as it was).
     *
     * @param untilQuery also stop at a Query or FunctionCall (a ReadyForQuery ends those); after an error in an
     *                   extended batch the server skips them too, up to the Sync
     */
    private void rollBack(ServerStatements statements, boolean untilQuery) {
        while (true) {
            Kind kind = pending.peekFirst();
            if (kind == null || kind == Kind.SYNC
                    || untilQuery && (kind == Kind.QUERY || kind == Kind.FUNCTION_CALL)) {
                break;
            }
            poll();
            switch (kind) {
                case PARSE, PARSE_SILENT, CLOSE_SILENT -> {
                    undoKinds.push(kind);
                    undoServerNames.push(serverNames.pollFirst());
                }
                default -> {
                }
            }
            switch (kind) {
                case PARSE, PARSE_FAKE -> {
                    undoClientNames.add(clientNames.pollFirst());   // the client's statement never came to exist
                    undoClientDefs.add(null);
                }
                case CLOSE_CLIENT -> {
                    undoClientNames.add(clientNames.pollFirst());   // nor was it closed
                    undoClientDefs.add(closedDefs.pollFirst());
                }
                case ERROR_FAKE -> errors.pollFirst().release();     // PostgreSQL would not have got that far
                case QUERY, FUNCTION_CALL -> skippedReadies++;       // postgres.c ignore_till_sync skips them too
                default -> {
                }
            }
        }
        while (!undoKinds.isEmpty()) {
            Kind kind = undoKinds.pop();
            String serverName = undoServerNames.pop();
            if (kind == Kind.CLOSE_SILENT) {
                statements.restore(serverName);             // still prepared on the server
            } else {
                statements.remove(serverName);              // not prepared after all
            }
        }
    }

    private Kind poll() {
        Kind kind = pending.pollFirst();
        while (pending.peekFirst() == Kind.COPY_END) {
            pending.pollFirst();                            // everything before it is answered: it marks nothing
        }
        if (kind != null && kind.assumed()) {
            // FIFO: every assumed entry of a closed batch comes before those of the open one.
            if (closedAssumed > 0) {
                closedAssumed--;
            } else {
                openAssumed--;
            }
        }
        return kind;
    }

    private void popIf(Kind head, Kind expected) {
        if (head == expected) {
            poll();
        }
    }

    /** Whether the head of the queue is an answer the pooler owes the client itself ({@link #drainFakes} writes it). */
    public boolean owesFake() {
        Kind head = pending.peekFirst();
        return head == Kind.PARSE_FAKE || head == Kind.CLOSE_FAKE || head == Kind.CLOSE_CLIENT
                || head == Kind.ERROR_FAKE;
    }

    /** Writes the answers the pooler owes itself at the head of the queue (ParseComplete, CloseComplete). */
    public boolean drainFakes(Channel client) {
        boolean wrote = false;
        while (true) {
            Kind head = pending.peekFirst();
            if (head == Kind.PARSE_FAKE) {
                client.write(PARSE_COMPLETE.duplicate(), client.voidPromise());
                clientNames.pollFirst();
            } else if (head == Kind.CLOSE_FAKE) {
                client.write(CLOSE_COMPLETE.duplicate(), client.voidPromise());
            } else if (head == Kind.CLOSE_CLIENT) {
                client.write(CLOSE_COMPLETE.duplicate(), client.voidPromise());
                clientNames.pollFirst();
                closedDefs.pollFirst();
            } else if (head == Kind.ERROR_FAKE) {
                client.write(errors.pollFirst(), client.voidPromise());
            } else {
                return wrote;
            }
            poll();
            wrote = true;
        }
    }

    public void clear() {
        errors.forEach(ByteBuf::release);
        errors.clear();
        pending.clear();
        serverNames.clear();
        clientNames.clear();
        closedDefs.clear();
        undoClientNames.clear();
        undoClientDefs.clear();
        openAssumed = 0;
        closedAssumed = 0;
        serverSkipping = false;
        skippedReadies = 0;
        copyIn = false;
        ignoredSyncs = 0;
    }
}
