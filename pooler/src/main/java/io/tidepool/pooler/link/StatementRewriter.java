package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.tidepool.pooler.link.RequestTracker.Kind;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.error.SqlState;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps one client's named prepared statements working across server connections (transaction and statement
 * pooling; PgBouncer 1.21's prepared-statement support, same key and meaning).
 *
 * <p>The client's statements (name, query, parameter types) live here, not on any server. A Parse is sent to the
 * server under the statement's {@link StatementDef#serverName()} only if that connection lacks it, and otherwise
 * answered by the pooler; Bind and Describe are rewritten to the server-side name, preparing the statement first
 * where the current connection lacks it; Close of a statement is answered by the pooler (the server-side statement
 * stays for other clients and is evicted by the LRU). Unnamed statements and portals pass through untouched: they
 * never outlive the batch that uses them, and a link never ends inside a batch.
 *
 * <p>Every decision here assumes that the requests sent before, in the same Sync batch, succeed; if one fails, the
 * server skips the rest of the batch and {@link RequestTracker} rolls the assumptions back. A later batch is only
 * rewritten once no earlier closed batch has assumptions outstanding: the caller holds it back while
 * {@link #mustWait(LinkedServer)} is true (the pipeline barrier), so a client that pipelines several batches in one
 * write gets what PostgreSQL would answer even when an early one fails.
 *
 * <p>Only the names are decoded; Bind parameters are forwarded as retained slices. Event-loop confined.
 */
public final class StatementRewriter {
    /** Names longer than this are refused; PostgreSQL truncates identifiers to 63 bytes anyway. */
    static final int MAX_NAME = 512;
    /** Statements one client may hold. */
    static final int MAX_CLIENT_STATEMENTS = 10_000;

    /**
     * The client's statements, least recently used first, bounded (RELIABILITY 33: a client that prepares a million
     * statements without closing them must not grow the pooler without limit). Past the bound the least recently
     * used one is forgotten, with a warning; PostgreSQL drivers keep far fewer (pgjdbc: 256).
     */
    private final Map<String, StatementDef> statements = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StatementDef> eldest) {
            if (size() <= MAX_CLIENT_STATEMENTS) {
                return false;
            }
            if (!warnedEviction) {
                warnedEviction = true;
                org.slf4j.LoggerFactory.getLogger(StatementRewriter.class).warn(
                        "a client prepared more than {} statements without closing them; forgetting the oldest",
                        MAX_CLIENT_STATEMENTS);
            }
            return true;
        }
    };
    private boolean warnedEviction;
    /** After a duplicate name, or while the server skips after an error: client messages are dropped until Sync. */
    private boolean skippingToSync;

    /**
     * The pipeline barrier: true while a batch already sent (Sync included) changed a statement cache on an
     * assumption the server has not answered yet. The next message belongs to a later batch, which the server runs
     * whatever happens to the earlier one, so it must be held back until the outcome is known (at the latest at
     * that batch's ReadyForQuery). One int comparison on the hot path.
     */
    public static boolean mustWait(LinkedServer server) {
        return server.tracker().awaitingOutcome();
    }

    /** Whether {@link #forward} drops what comes next: after an error or a duplicate name, up to the client's Sync. */
    public boolean dropsUntilSync(LinkedServer server) {
        return skippingToSync || server.tracker().serverSkipping();
    }

    /** Forwards one client message to {@code server}; takes ownership of {@code unit}. */
    public void forward(WireUnit unit, LinkedServer server, Channel client) {
        RequestTracker tracker = server.tracker();
        if (tracker.serverSkipping() && !skippingToSync && (unit instanceof Frame || ((FramePart) unit).first())) {
            // An error came back before the client's Sync: PostgreSQL ignores all up to that Sync, so do we, rather
            // than answer a Parse or Close of it ourselves or count a skipped Parse as prepared.
            skippingToSync = true;
        }
        if (skippingToSync) {
            // PostgreSQL's rule after an error in an extended batch: everything up to Sync is ignored.
            if (unit.type() != 'S' || unit instanceof FramePart) {
                ReferenceCountUtil.release(unit.content());
                return;
            }
            skippingToSync = false;
        }
        if (unit instanceof FramePart part) {
            if (part.first()) {
                if (part.type() == 'B') {
                    bind(part.bytes(), part.messageLength(), part, server, client.alloc());
                    return;
                }
                tracker.addPassedThrough(part.type());
            }
            server.send(part);
            return;
        }
        Frame frame = (Frame) unit;
        switch (frame.type()) {
            case 'P' -> parse(frame, server, client.alloc());
            case 'B' -> bind(frame.bytes(), frame.length(), frame, server, client.alloc());
            case 'D' -> describe(frame, server, client.alloc());
            case 'C' -> close(frame, server);
            default -> {
                tracker.addPassedThrough(frame.type());
                server.send(frame);
            }
        }
        tracker.drainFakes(client);
    }

    private void parse(Frame frame, LinkedServer server, ByteBufAllocator alloc) {
        boolean sent = false;
        try {
            ByteBuf body = frame.body();
            String name = CStrings.read(body, MAX_NAME, "Parse statement name");
            if (name.isEmpty()) {
                server.tracker().add(Kind.PARSE_UNNAMED);
                sent = true;                                // ownership passes to the server channel
                server.send(frame);
                return;
            }
            String query = CStrings.read(body, "Parse query");
            byte[] types = new byte[body.readableBytes()];
            body.readBytes(types);
            StatementDef def = StatementDef.of(query, types);
            if (statements.containsKey(name)) {
                // The name is taken (no Close in between): PostgreSQL's 42P05, then skip to Sync, as the server would.
                server.tracker().addFakeError(ErrorResponse.error(SqlState.DUPLICATE_PREPARED_STATEMENT,
                        "prepared statement \"" + name + "\" already exists").encode(alloc));
                skippingToSync = true;
                return;
            }
            statements.put(name, def);
            if (server.statements().contains(def.serverName())) {
                server.tracker().addClientParse(Kind.PARSE_FAKE, def.serverName(), name);
            } else {
                prepare(def, name, server, alloc);
            }
        } finally {
            if (!sent) {
                frame.release();
            }
        }
    }

    /**
     * Sends a Parse of {@code def} under its server-side name, closing the least recently used one if full.
     *
     * @param clientName the client's name when the client asked for this Parse (PARSE), null when the pooler
     *                   prepares on its own behalf (PARSE_SILENT)
     */
    private static void prepare(StatementDef def, @org.jspecify.annotations.Nullable String clientName,
                                LinkedServer server, ByteBufAllocator alloc) {
        String evicted = server.statements().add(def.serverName(), server.maxPreparedStatements());
        if (evicted != null) {
            ByteBuf close = alloc.buffer(8 + evicted.length());
            int at = LengthPrefix.begin(close, (byte) 'C');
            close.writeByte('S');
            CStrings.write(close, evicted);
            LengthPrefix.end(close, at);
            server.tracker().addEviction(evicted);
            server.sendBuilt(close);
        }
        ByteBuf out = alloc.buffer(16 + def.serverName().length() + def.query().length() * 3
                + def.parameterTypes().length);
        int at = LengthPrefix.begin(out, (byte) 'P');
        CStrings.write(out, def.serverName());
        CStrings.write(out, def.query());
        out.writeBytes(def.parameterTypes());
        LengthPrefix.end(out, at);
        if (clientName == null) {
            server.tracker().addSilentParse(def.serverName());
        } else {
            server.tracker().addClientParse(Kind.PARSE, def.serverName(), clientName);
        }
        server.sendBuilt(out);
    }

    private void ensurePrepared(StatementDef def, LinkedServer server, ByteBufAllocator alloc) {
        if (!server.statements().contains(def.serverName())) {
            prepare(def, null, server, alloc);
        }
    }

    /**
     * Bind: {@code portal\0 statement\0 rest}. Rewrites the statement name; the rest (parameters) is forwarded as a
     * retained slice. {@code bytes} starts at the type byte; for a streamed Bind it is the first part.
     */
    private void bind(ByteBuf bytes, int declaredLength, WireUnit unit, LinkedServer server, ByteBufAllocator alloc) {
        ByteBuf body = bytes.slice(bytes.readerIndex() + Frame.HEADER_LENGTH,
                bytes.readableBytes() - Frame.HEADER_LENGTH);
        int portalStart = body.readerIndex();
        CStrings.skip(body, "Bind portal name");
        int afterPortal = body.readerIndex();
        String name = CStrings.read(body, MAX_NAME, "Bind statement name");
        int restIndex = body.readerIndex();
        StatementDef def = name.isEmpty() ? null : statements.get(name);
        if (def == null) {
            // Unnamed, or unknown to us: the server answers as PostgreSQL would ("does not exist").
            server.tracker().add(Kind.BIND);
            server.send(unit);
            return;
        }
        ensurePrepared(def, server, alloc);
        server.tracker().add(Kind.BIND);
        int nameDelta = CStrings.encodedLength(def.serverName()) - (restIndex - afterPortal);
        ByteBuf head = alloc.buffer(Frame.HEADER_LENGTH + (afterPortal - portalStart) + def.serverName().length() + 1);
        head.writeByte('B').writeInt(declaredLength + nameDelta);
        head.writeBytes(body, portalStart, afterPortal - portalStart);
        CStrings.write(head, def.serverName());
        server.sendBuilt(head);
        server.sendBuilt(body.retainedSlice(restIndex, body.writerIndex() - restIndex));
        ReferenceCountUtil.release(unit.content());
    }

    private void describe(Frame frame, LinkedServer server, ByteBufAllocator alloc) {
        ByteBuf body = frame.body();
        if (!body.isReadable()) {
            frame.release();
            throw new ProtocolException("Describe: empty body");
        }
        byte kind = body.readByte();
        String name = CStrings.read(body, MAX_NAME, "Describe name");
        StatementDef def = kind == 'S' && !name.isEmpty() ? statements.get(name) : null;
        if (def == null) {
            server.tracker().add(kind == 'S' ? Kind.DESCRIBE_STATEMENT : Kind.DESCRIBE_PORTAL);
            server.send(frame);
            return;
        }
        frame.release();
        ensurePrepared(def, server, alloc);
        ByteBuf out = alloc.buffer(8 + def.serverName().length());
        int at = LengthPrefix.begin(out, (byte) 'D');
        out.writeByte('S');
        CStrings.write(out, def.serverName());
        LengthPrefix.end(out, at);
        server.tracker().add(Kind.DESCRIBE_STATEMENT);
        server.sendBuilt(out);
    }

    private void close(Frame frame, LinkedServer server) {
        ByteBuf body = frame.body();
        if (!body.isReadable()) {
            frame.release();
            throw new ProtocolException("Close: empty body");
        }
        byte kind = body.readByte();
        String name = CStrings.read(body, MAX_NAME, "Close name");
        if (kind == 'S' && !name.isEmpty()) {
            // Closing a statement only forgets the client's name; PostgreSQL answers CloseComplete even for names
            // that do not exist, and so do we. The name comes back if the server skips this Close after an error.
            StatementDef closed = statements.remove(name);
            frame.release();
            if (closed == null) {
                server.tracker().add(Kind.CLOSE_FAKE);
            } else {
                server.tracker().addClientClose(name, closed);
            }
            return;
        }
        server.tracker().add(Kind.CLOSE);
        server.send(frame);
    }

    /**
     * Outside a transaction, a Parse of a statement the pool already knows to be valid is answered by the pooler
     * (see {@link KnownStatements}). Returns false, consuming nothing, when a server is needed.
     */
    public boolean parseLocally(Frame frame, KnownStatements known) {
        ByteBuf body = frame.body();
        String name = CStrings.read(body, MAX_NAME, "Parse statement name");
        if (name.isEmpty() || statements.containsKey(name)) {
            return false;                                   // unnamed, or a duplicate: the batch path decides
        }
        String query = CStrings.read(body, "Parse query");
        byte[] types = new byte[body.readableBytes()];
        body.readBytes(types);
        StatementDef def = StatementDef.of(query, types);
        if (!known.contains(def.serverName())) {
            return false;
        }
        statements.put(name, def);
        frame.release();
        return true;
    }

    /** Close of a statement outside a transaction: only the client's name is forgotten. */
    public boolean closeLocally(Frame frame) {
        ByteBuf body = frame.body();
        if (body.readableBytes() < 2 || body.getByte(body.readerIndex()) != 'S') {
            return false;
        }
        body.skipBytes(1);
        String name = CStrings.read(body, MAX_NAME, "Close name");
        if (name.isEmpty()) {
            return false;
        }
        statements.remove(name);
        frame.release();
        return true;
    }

    /**
     * The server skipped, after an error, the Parse or Close that changed the client's statement {@code clientName}:
     * as on PostgreSQL, it is again what it was before ({@code previous}; null: it did not exist).
     */
    public void setBack(String clientName, @org.jspecify.annotations.Nullable StatementDef previous) {
        if (previous == null) {
            statements.remove(clientName);
        } else {
            statements.put(clientName, previous);
        }
    }

    /** The client ran DEALLOCATE ALL or DISCARD ALL: its statements are gone, as on PostgreSQL. */
    public void forgetAll() {
        statements.clear();
    }

    public int size() {
        return statements.size();
    }
}
