package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.util.ArrayDeque;

/**
 * The responses one server connection still owes, in request order (PgBouncer's {@code outstanding_requests}).
 * Needed because the pooler answers some requests itself (a Parse of a statement the server already has, a Close of
 * a client's statement) and sends some of its own (a Parse on a server that lacks a statement, a Close to make room):
 * their answers must be invented or swallowed at exactly the point where the server would have sent them.
 *
 * <p>Rules (protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY): each Parse, Bind, Close ends with one completion message;
 * Describe with RowDescription or NoData; Execute with CommandComplete, PortalSuspended or EmptyQueryResponse; Sync,
 * Query and FunctionCall with ReadyForQuery. After an ErrorResponse in an extended batch the server skips to the next
 * Sync, so every request before that Sync is answered by nothing. Event-loop confined.
 */
public final class RequestTracker {
    /** What a pending request is and who answers it. */
    public enum Kind {
        PARSE, PARSE_FAKE, PARSE_SILENT, ERROR_FAKE, BIND, DESCRIBE_STATEMENT, DESCRIBE_PORTAL, EXECUTE, CLOSE, CLOSE_FAKE,
        CLOSE_SILENT, SYNC, QUERY, FUNCTION_CALL
    }

    /** ParseComplete and CloseComplete as the pooler sends them when it answers for the server (never released). */
    public static final ByteBuf PARSE_COMPLETE = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeByte('1').writeInt(4)).asReadOnly();
    public static final ByteBuf CLOSE_COMPLETE = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeByte('3').writeInt(4)).asReadOnly();

    private final ArrayDeque<Kind> pending = new ArrayDeque<>();
    /** Server-side names of the PARSE and PARSE_SILENT entries, in order: forgotten if their Parse fails. */
    private final ArrayDeque<String> parses = new ArrayDeque<>();
    private final ArrayDeque<ByteBuf> errors = new ArrayDeque<>();
    /** Client-side names of the PARSE and PARSE_FAKE entries, in order: forgotten if the server skips them. */
    private final ArrayDeque<String> clientNames = new ArrayDeque<>();
    /** Client statements whose Parse the server skipped after an error, for the client to forget. */
    private final java.util.ArrayList<String> skipped = new java.util.ArrayList<>();
    /** Server-side names of the CLOSE_SILENT entries, in order. */
    private final ArrayDeque<String> closes = new ArrayDeque<>();

    public void add(Kind kind) {
        pending.addLast(kind);
    }

    /** An ErrorResponse the pooler owes the client at this point of the stream (a duplicate statement name). */
    public void addFakeError(ByteBuf error) {
        pending.addLast(Kind.ERROR_FAKE);
        errors.addLast(error);
    }

    /** A Close the pooler sent to make room; its name comes back into the cache if the server skips it. */
    public void addEviction(String serverName) {
        pending.addLast(Kind.CLOSE_SILENT);
        closes.addLast(serverName);
    }

    /** A Parse the pooler sent on its own (PARSE_SILENT) or an unnamed one. */
    public void addParse(Kind kind, String serverName) {
        pending.addLast(kind);
        parses.addLast(serverName);
        if (kind == Kind.PARSE) {
            clientNames.addLast("");
        }
    }

    /** A client's named Parse: sent (PARSE) or answered by the pooler (PARSE_FAKE). */
    public void addClientParse(Kind kind, String serverName, String clientName) {
        pending.addLast(kind);
        if (kind == Kind.PARSE) {
            parses.addLast(serverName);
        }
        clientNames.addLast(clientName);
    }

    /** Hands over (and clears) the client statements whose Parse was skipped: PostgreSQL never created them. */
    public void drainSkipped(java.util.function.Consumer<String> forget) {
        if (!skipped.isEmpty()) {
            skipped.forEach(forget);
            skipped.clear();
        }
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
                if (head == Kind.PARSE || head == Kind.PARSE_SILENT) {
                    pending.pollFirst();
                    statements.confirmed(parses.pollFirst());
                    if (head == Kind.PARSE) {
                        clientNames.pollFirst();
                    }
                    return head == Kind.PARSE_SILENT;
                }
            }
            case '2' -> popIf(head, Kind.BIND);
            case 'T', 'n' -> {
                if (head == Kind.DESCRIBE_STATEMENT || head == Kind.DESCRIBE_PORTAL) {
                    pending.pollFirst();
                }
            }
            case 'C', 's', 'I' -> popIf(head, Kind.EXECUTE);
            case '3' -> {
                if (head == Kind.CLOSE || head == Kind.CLOSE_SILENT) {
                    pending.pollFirst();
                    if (head == Kind.CLOSE_SILENT) {
                        closes.pollFirst();
                        return true;
                    }
                }
            }
            case 'E' -> {
                if (head != Kind.QUERY && head != Kind.FUNCTION_CALL) {
                    skipToSync(statements);
                }
            }
            case 'Z' -> {
                while (!pending.isEmpty()) {
                    Kind kind = pending.pollFirst();
                    if (kind == Kind.PARSE || kind == Kind.PARSE_SILENT) {
                        parses.pollFirst();
                    }
                    if (kind == Kind.PARSE || kind == Kind.PARSE_FAKE) {
                        clientNames.pollFirst();
                    } else if (kind == Kind.CLOSE_SILENT) {
                        closes.pollFirst();
                    }
                    if (kind == Kind.SYNC || kind == Kind.QUERY || kind == Kind.FUNCTION_CALL) {
                        break;
                    }
                }
            }
            default -> {
            }
        }
        return false;
    }

    /**
     * An error in an extended batch: the server skips every request up to the next Sync, so the pooler's cache
     * must undo what it assumed of them: a skipped Parse prepared nothing, a skipped Close closed nothing.
     */
    private void skipToSync(ServerStatements statements) {
        while (!pending.isEmpty() && pending.peekFirst() != Kind.SYNC) {
            Kind kind = pending.pollFirst();
            if (kind == Kind.PARSE || kind == Kind.PARSE_SILENT) {
                statements.remove(parses.pollFirst());      // not prepared after all
            }
            if (kind == Kind.PARSE || kind == Kind.PARSE_FAKE) {
                String clientName = clientNames.pollFirst();
                if (clientName != null && !clientName.isEmpty()) {
                    skipped.add(clientName);                // nor did the client's statement come to exist
                }
            } else if (kind == Kind.CLOSE_SILENT) {
                statements.restore(closes.pollFirst());     // still prepared on the server
            }
        }
    }

    private void popIf(Kind head, Kind expected) {
        if (head == expected) {
            pending.pollFirst();
        }
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
            } else if (head == Kind.ERROR_FAKE) {
                client.write(errors.pollFirst(), client.voidPromise());
            } else {
                return wrote;
            }
            pending.pollFirst();
            wrote = true;
        }
    }

    public void clear() {
        errors.forEach(ByteBuf::release);
        errors.clear();
        pending.clear();
        parses.clear();
        closes.clear();
        clientNames.clear();
        skipped.clear();
    }
}
