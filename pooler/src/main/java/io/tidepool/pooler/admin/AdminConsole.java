package io.tidepool.pooler.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.tidepool.pooler.client.AdminGateway;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Printable;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One admin console connection: the simple query protocol (as PgBouncer) and the extended one (Parse, Bind,
 * Describe, Execute, Sync, Close, Flush; PgBouncer refuses it, which forces JDBC tools into
 * {@code preferQueryMode=simple}; we do not). Messages are decoded on the client's event loop into {@link Request}s
 * and answered, in order, by one virtual thread per connection: commands may wait (PAUSE waits for transactions,
 * SHOW visits every event loop), which an event loop must never do. The queue is bounded by pausing reads.
 *
 * <p>Extended protocol as in protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY: after an error, messages are skipped until
 * Sync; a statement's result columns are known from its command alone, so Describe never runs anything.
 */
final class AdminConsole implements AdminGateway.Conversation {
    private static final Logger log = LoggerFactory.getLogger(AdminConsole.class);
    private static final int MAX_QUEUED = 64;
    private static final int MAX_NAME = 1024;

    private final ClientSession client;
    private final Channel channel;
    private final String user;
    private final AdminService service;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;
    /** Loop-confined: a message over the stream threshold is being skipped. */
    private boolean discarding;

    // Worker-confined extended-protocol state.
    private final Map<String, Statement> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private boolean skipUntilSync;

    AdminConsole(ClientSession client, String user, AdminService service) {
        this.client = client;
        this.channel = client.channel();
        this.user = user;
        this.service = service;
        this.worker = Thread.ofVirtual().name("tidepool-admin-" + client.id()).start(this::run);
    }

    /** What the client asked, decoded (strings copied out, buffers released on the loop). */
    private sealed interface Request {
        record Query(String sql) implements Request { }
        record Parse(String name, String sql) implements Request { }
        record Bind(String portal, String statement) implements Request { }
        record Describe(char kind, String name) implements Request { }
        record Execute(String portal, int maxRows) implements Request { }
        record Close(char kind, String name) implements Request { }
        record Sync() implements Request { }
        record Flush() implements Request { }
        /**
         * A message the console does not take (COPY data, FunctionCall, ...), or one too long to read; {@code ready}
         * when the client then expects ReadyForQuery (not inside an extended-protocol sequence).
         */
        record Refused(String reason, boolean ready) implements Request { }
        record Stop() implements Request { }
    }

    /** A parsed statement: its command, or null for the empty query. */
    private record Statement(@Nullable AdminCommand command) { }

    private static final class Portal {
        final Statement statement;
        @Nullable ResultSet result;
        int sent;

        Portal(Statement statement) {
            this.statement = statement;
        }
    }

    // ---- event loop side -------------------------------------------------------------------------------------

    @Override
    public void onMessage(WireUnit unit) {
        try {
            if (unit instanceof FramePart part) {
                // Larger than the stream threshold (64 KiB): no console command is; skip it without buffering.
                if (part.first()) {
                    discarding = true;
                }
                if (part.last()) {
                    discarding = false;
                    enqueue(new Request.Refused("message '" + Printable.typeChar(part.type()) + "' of "
                            + part.messageLength() + " bytes is too long for the admin console (expected: at most "
                            + AdminParser.MAX_QUERY_LENGTH + ")", !isExtended(part.type())));
                }
                return;
            }
            enqueue(decode((Frame) unit));
        } finally {
            ReferenceCountUtil.release(unit.content());
        }
    }

    private static Request decode(Frame frame) {
        ByteBuf body = frame.body();
        return switch (frame.type()) {
            case 'Q' -> tooLong(body) ? refusedLength(body, true) : new Request.Query(CStrings.read(body, "Query"));
            case 'P' -> {
                String name = CStrings.read(body, MAX_NAME, "Parse statement name");
                if (tooLong(body)) {
                    yield refusedLength(body, false);
                }
                yield new Request.Parse(name, CStrings.read(body, "Parse query"));
            }
            case 'B' -> new Request.Bind(CStrings.read(body, MAX_NAME, "Bind portal name"),
                    CStrings.read(body, MAX_NAME, "Bind statement name"));
            case 'D' -> new Request.Describe((char) body.readByte(), CStrings.read(body, MAX_NAME, "Describe name"));
            case 'E' -> new Request.Execute(CStrings.read(body, MAX_NAME, "Execute portal name"), body.readInt());
            case 'C' -> new Request.Close((char) body.readByte(), CStrings.read(body, MAX_NAME, "Close name"));
            case 'S' -> new Request.Sync();
            case 'H' -> new Request.Flush();
            case 'd', 'c', 'f' -> new Request.Refused("COPY is not supported by the admin console", true);
            default -> new Request.Refused("unsupported message '" + Printable.typeChar(frame.type())
                    + "' for the admin console", true);
        };
    }

    private static boolean isExtended(byte type) {
        return type == 'P' || type == 'B' || type == 'D' || type == 'E' || type == 'C';
    }

    private static boolean tooLong(ByteBuf body) {
        return body.readableBytes() > AdminParser.MAX_QUERY_LENGTH + MAX_NAME;
    }

    private static Request refusedLength(ByteBuf body, boolean ready) {
        return new Request.Refused("console command too long: " + body.readableBytes() + " bytes (expected: at most "
                + AdminParser.MAX_QUERY_LENGTH + ")", ready);
    }

    private void enqueue(Request request) {
        queue.add(request);
        if (queue.size() >= MAX_QUEUED) {
            channel.config().setAutoRead(false);        // the worker turns it back on as it catches up
        }
    }

    @Override
    public void closed() {
        closed = true;
        service.closed(client);
        queue.add(new Request.Stop());
    }

    boolean isClosed() {
        return closed;
    }

    // ---- worker side -----------------------------------------------------------------------------------------

    private void run() {
        try {
            while (true) {
                Request request = queue.take();
                if (request instanceof Request.Stop || closed) {
                    return;
                }
                if (queue.size() < MAX_QUEUED / 2 && !channel.config().isAutoRead()) {
                    channel.config().setAutoRead(true);
                }
                ByteBuf out = channel.alloc().buffer(256);
                boolean flush = handle(request, out);
                if (out.isReadable()) {
                    channel.write(out);
                } else {
                    out.release();
                }
                if (flush) {
                    channel.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("{} admin console failed", client, e);
            channel.eventLoop().execute(() -> client.disconnect(SqlState.INTERNAL_ERROR, "admin console failed"));
        }
    }

    /** Answers one request into {@code out}; returns whether to flush. */
    private boolean handle(Request request, ByteBuf out) {
        boolean endsWithReady = request instanceof Request.Query || request instanceof Request.Refused r && r.ready();
        if (skipUntilSync && !(request instanceof Request.Sync) && !endsWithReady) {
            return false;
        }
        try {
            switch (request) {
                case Request.Query(var sql) -> {
                    skipUntilSync = false;
                    simpleQuery(sql, out);
                    ResultSetWriter.readyForQuery(out);
                    return true;
                }
                case Request.Parse(var name, var sql) -> {
                    statements.put(name, new Statement(sql.isBlank() ? null : AdminParser.parse(sql)));
                    ResultSetWriter.empty(out, '1');
                }
                case Request.Bind(var portal, var statement) -> {
                    Statement s = statements.get(statement);
                    if (s == null) {
                        throw new AdminException(SqlState.INVALID_SQL_STATEMENT_NAME, "prepared statement \""
                                + statement + "\" does not exist");
                    }
                    portals.put(portal, new Portal(s));
                    ResultSetWriter.empty(out, '2');
                }
                case Request.Describe(var kind, var name) -> describe(kind, name, out);
                case Request.Execute(var portal, var maxRows) -> execute(portal, maxRows, out);
                case Request.Close(var kind, var name) -> {
                    if (kind == 'S') {
                        statements.remove(name);
                    } else {
                        portals.remove(name);
                    }
                    ResultSetWriter.empty(out, '3');
                }
                case Request.Sync s -> {
                    skipUntilSync = false;
                    portals.remove("");
                    ResultSetWriter.readyForQuery(out);
                    return true;
                }
                case Request.Flush f -> {
                    return true;
                }
                case Request.Refused(var reason, var ready) ->
                        throw new AdminException(SqlState.FEATURE_NOT_SUPPORTED, reason);
                case Request.Stop s -> {
                    return false;
                }
            }
            return false;
        } catch (AdminException e) {
            error(out, e);
            if (endsWithReady) {
                skipUntilSync = false;
                ResultSetWriter.readyForQuery(out);
            } else {
                skipUntilSync = true;                       // protocol-flow.html: discard until Sync
            }
            return true;
        }
    }

    private void simpleQuery(String sql, ByteBuf out) {
        if (sql.isBlank()) {
            ResultSetWriter.empty(out, 'I');             // EmptyQueryResponse
            return;
        }
        try {
            ResultSetWriter.whole(out, service.execute(AdminParser.parse(sql), user, this));
        } catch (AdminException e) {
            error(out, e);
        }
    }

    private void describe(char kind, String name, ByteBuf out) {
        Statement statement;
        if (kind == 'S') {
            statement = statements.get(name);
            if (statement == null) {
                throw new AdminException(SqlState.INVALID_SQL_STATEMENT_NAME, "prepared statement \"" + name
                        + "\" does not exist");
            }
            ResultSetWriter.noParameters(out);
        } else {
            Portal portal = portals.get(name);
            if (portal == null) {
                throw new AdminException(SqlState.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
            }
            statement = portal.statement;
        }
        List<Column> columns = columnsOf(statement.command());
        if (columns.isEmpty()) {
            ResultSetWriter.empty(out, 'n');             // NoData
        } else {
            ResultSetWriter.rowDescription(out, columns);
        }
    }

    private void execute(String name, int maxRows, ByteBuf out) {
        Portal portal = portals.get(name);
        if (portal == null) {
            throw new AdminException(SqlState.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
        }
        AdminCommand command = portal.statement.command();
        if (command == null) {
            ResultSetWriter.empty(out, 'I');
            return;
        }
        ResultSet result = portal.result;
        if (result == null) {
            result = service.execute(command, user, this);
            portal.result = result;
            ResultSetWriter.notices(out, result);
        }
        portal.sent = ResultSetWriter.dataRows(out, result.rows(), portal.sent, maxRows);
        if (portal.sent < result.rows().size()) {
            ResultSetWriter.portalSuspended(out);
        } else {
            ResultSetWriter.commandComplete(out, result.tag());
        }
    }

    /** Result columns known from the command alone, so Describe runs nothing. */
    private static List<Column> columnsOf(@Nullable AdminCommand command) {
        return switch (command) {
            case null -> List.of();
            case AdminCommand.Show(var what) -> what.columns();
            case AdminCommand.FakeShow(var name, var value) -> Column.of("s", name);
            default -> List.of();
        };
    }

    private void error(ByteBuf out, AdminException e) {
        log.info("{} admin console error: {}", client, e.getMessage());
        new ErrorResponse(io.tidepool.wire.backend.Fields.of(io.tidepool.wire.error.Severity.ERROR, e.code(),
                e.getMessage())).encode(out);
    }
}
