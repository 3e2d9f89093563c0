package io.tidepool.pooler.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.link.StatementRewriter;
import io.tidepool.pooler.net.SocketOutput;
import io.tidepool.pooler.pool.PoolMode;
import io.tidepool.pooler.server.ServerConnection;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.MessageRun;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.backend.BackendKeyData;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.backend.ReadyForQuery;
import io.tidepool.wire.backend.TransactionStatus;
import io.tidepool.wire.codec.FrameDecoder;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.CancelRequest;
import io.tidepool.wire.frontend.GSSENCRequest;
import io.tidepool.wire.frontend.SSLRequest;
import io.tidepool.wire.frontend.StartupMessage;
import io.tidepool.wire.frontend.Terminate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection, and the Netty handler that reads it.
 *
 * <p>Lifecycle in {@link ClientState}; {@link #moveTo} is the only place that changes it. While
 * {@link ClientState#LINKED}, every frame from the client is written to its server as the bytes it arrived in
 * (DESIGN hot-path rules 1–3); bytes that arrive before a server is linked are held (reading pauses) and replayed on
 * link. {@link #disconnect} is the one exit door. The login phase, from the startup packets to the first ReadyForQuery
 * or a refusal, is delegated to a {@link ClientLogin} while the state is a login state; session parameters and state
 * (transaction pooling) to {@link ClientParameters}, answers that need no server to {@link LocalAnswers}.
 *
 * <p>Owned by the client channel's pipeline (one per accepted connection, added by the listener). Event-loop confined;
 * the linked server connection lives on the same loop.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    private static final AtomicLong IDS = new AtomicLong();
    private final long id = IDS.incrementAndGet();
    private final ClientContext context;
    /** The login phase; after ReadyForQuery only {@link #linked} (first link) and {@link #finish} call it. */
    private final ClientLogin login;
    private final HeldRequests held = new HeldRequests();
    private final ClientParameters parameters = new ClientParameters();
    private final long connectedNanos = System.nanoTime();
    /** The disconnect line is written (by disconnectWith): finish does not write a second one. */
    private boolean closeLogged;
    private @Nullable Channel channel;
    private ClientState state = ClientState.STARTUP;
    private @Nullable StartupRequest startup;
    private @Nullable Pool pool;
    private @Nullable ServerConnection server;
    private @Nullable BackendKeyData cancelKey;
    private @Nullable StatementRewriter rewriter;
    private @Nullable SocketOutput output;
    private final LocalAnswers localAnswers = new LocalAnswers();
    private final RunForwarding runs = new RunForwarding(parameters, this::forwardToServer,
            () -> state == ClientState.LINKED);
    private boolean pendingFlush;
    private boolean loggedIn;
    private boolean slotTaken;
    private long waitStartNanos;
    private long lastReadNanos = System.nanoTime();
    private String peer = "?";
    /** Admin console hook (issue 7): set when the client logs in to the virtual database; then it has no pool. */
    private boolean consoleLogin;
    private AdminGateway.@Nullable Conversation console;
    private @Nullable FrameDecoder decoder;
    /** The decoder is in run mode: {@link MessageRun}s arrive (see {@link #joinRuns}). */
    private boolean joinsRuns;

    public ClientSession(ClientContext context) {
        this.context = context;
        this.login = new ClientLogin(this, context);
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    void moveTo(ClientState to, String reason) {
        if (!state.canMoveTo(to)) {
            throw new IllegalStateException(this + ": " + state + " -> " + to + " is not a transition (" + reason + ")");
        }
        ClientState from = state;
        state = to;
        joinRuns(!consoleLogin && (to == ClientState.IDLE || to == ClientState.WAITING_FOR_SERVER
                || to == ClientState.LINKED));
        if (to == ClientState.WAITING_FOR_SERVER) {
            waitStartNanos = System.nanoTime();
        }
        if (log.isDebugEnabled()) {             // the hot path links and unlinks per transaction: no garbage
            log.debug("{} {} -> {}: {}", this, from, to, reason);
        }
    }

    /**
     * Run mode of the client's decoder ({@link FrameDecoder#joinRuns}): on once logged in to a pool, so that what a
     * client sends in one go is forwarded in one write; off for the login and the admin console, which read frames.
     */
    private void joinRuns(boolean on) {
        if (on == joinsRuns) {
            return;
        }
        if (decoder == null && channel != null && channel.pipeline().get(FrameDecoder.class) instanceof FrameDecoder d) {
            decoder = d;                                    // installed by StartupDecoder after the startup packet
        }
        if (decoder != null) {
            decoder.joinRuns(on);
            joinsRuns = on;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress address) {
            peer = address.getAddress().getHostAddress() + ":" + address.getPort();
        } else {
            peer = "unix";
        }
        login.start(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case WireUnit unit -> onWireUnit(unit);
                case SSLRequest ssl -> login.onSslRequest(ctx);
                case GSSENCRequest gss -> login.onGssEncRequest(ctx);
                case CancelRequest cancel -> {
                    CancelForwarder.received(cancel, context.cancels());
                    moveTo(ClientState.CLOSING, "cancel request handled");
                    ctx.close();                            // PostgreSQL closes a cancel connection without a reply
                }
                case StartupMessage startupMessage -> login.onStartup(startupMessage);
                default -> {
                    ReferenceCountUtil.release(msg);
                    throw new IllegalStateException(this + ": unexpected " + msg.getClass().getSimpleName());
                }
            }
        } catch (ProtocolException e) {
            disconnect(e.sqlState(), e.getMessage());
        }
    }

    private void onWireUnit(WireUnit unit) {
        if (console != null && state == ClientState.IDLE) {
            // Admin console hook: every message goes to the console conversation; Terminate closes quietly.
            if (unit.type() == Terminate.TYPE && !(unit instanceof FramePart)) {
                ReferenceCountUtil.release(unit.content());
                disconnectWith(null, "client sent Terminate");
            } else {
                console.onMessage(unit);
            }
            return;
        }
        switch (state) {
            case LINKED -> {
                if (held.isEmpty() && !behindBarrier(server())) {
                    forwardToServer(unit);
                } else {
                    held.holdBehindBarrier(unit, channel());
                }
            }
            case IDLE -> {
                if (unit.type() == Terminate.TYPE && unit instanceof Frame && held.isEmpty()) {
                    ReferenceCountUtil.release(unit.content());
                    disconnectWith(null, "client sent Terminate");   // between transactions: no server needed
                } else if (unit instanceof MessageRun run && rewriter != null && held.isEmpty()
                        && LocalAnswers.mayAnswerFirst(run)) {
                    RunForwarding.split(run, this::onWireUnit);     // rare: not worth a bound reference
                } else if (!answerLocally(unit)) {
                    hold(unit);
                }
            }
            case WAITING_FOR_SERVER -> hold(unit);
            case AUTHENTICATING -> login.onPasswordMessage(unit);
            case CLOSING, CLOSED -> ReferenceCountUtil.release(unit.content());
            case STARTUP, TLS_HANDSHAKE -> {
                ReferenceCountUtil.release(unit.content());
                throw new ProtocolException("message before startup packet");
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent done && !isClosed()) {
            login.onTlsHandshake(done);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastReadNanos = System.nanoTime();                  // once per read batch, for client_idle_timeout
        if (pendingFlush) {
            pendingFlush = false;
            ServerConnection s = server;
            if (s != null) {
                s.flush();
            }
            if (rewriter != null) {
                output().flush();                           // answers the pooler gave itself (ParseComplete...)
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This channel is the sink of the server's bytes: while the client cannot take more, stop reading the server.
        ServerConnection s = server;
        if (s != null) {
            s.channel().config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != ClientState.CLOSING && state != ClientState.CLOSED) {
            if (!loggedIn) {
                // finish() logs logged-in clients only; a client that leaves mid-login gets its line here (PgBouncer
                // logs "client unexpected eof" for it), so truncated or abandoned startups are visible.
                log.info("{} closing because: client closed the connection during login (age={}s)", this,
                        (System.nanoTime() - connectedNanos) / 1_000_000_000L);
            }
            moveTo(ClientState.CLOSING, "client closed the connection");
        }
        finish("client closed the connection");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException e) {
            disconnect(e.sqlState(), e.getMessage());
        } else if (cause instanceof io.netty.handler.codec.DecoderException e
                && e.getCause() instanceof ProtocolException p) {
            disconnect(p.sqlState(), p.getMessage());
        } else {
            log.info("{} I/O error: {}", this, cause.toString());
            disconnect(SqlState.CONNECTION_FAILURE, "I/O error: " + cause.getMessage());
        }
    }

    // ---- what login establishes (ClientLogin calls these, in this order) -------------------------------------

    /** The StartupMessage named the client (for its log lines; a refusal may still follow). */
    void identified(StartupRequest request) {
        startup = request;
    }

    /** The client holds a max_client_conn slot (or a console client's count): {@link #finish} gives it back. */
    void slotTaken() {
        slotTaken = true;
    }

    void joined(Pool p) {
        pool = p;
        p.addClient(this);
    }

    /** Admin console hook: the client logs in to the virtual database and has no pool. */
    void joinedConsole() {
        consoleLogin = true;
    }

    /** Authenticated: the cancel key the welcome announces, and statement tracking where the pool mode needs it. */
    void authenticated() {
        Pool p = pool;
        if (p != null && p.settings().poolMode() != PoolMode.SESSION && p.settings().maxPreparedStatements() > 0) {
            rewriter = new StatementRewriter();
        }
        cancelKey = context.cancels().register(this);
    }

    void loggedIn() {
        loggedIn = true;
    }

    void openConsole(AdminGateway admin, String user) {
        console = admin.open(this, user);
    }

    // ---- linking ---------------------------------------------------------------------------------------------

    /** The pool linked a server to this client (on this loop). */
    public void linked(ServerConnection s) {
        server = s;
        boolean wasLogin = !loggedIn;
        boolean loginOnly = wasLogin && held.isEmpty();
        moveTo(ClientState.LINKED, "linked to a server");
        if (!channel().isWritable()) {
            s.channel().config().setAutoRead(false);
        }
        if (wasLogin) {
            login.complete(s.parameters().reported());
        }
        forwardHeld(s);
        s.flush();
        if (loginOnly) {
            // The link only taught the pool its welcome: no request is running, so transaction and statement pooling
            // end it now; otherwise a client that logs in and sits idle would pin the server until its first query.
            readyForQuery(TransactionStatus.IDLE, s.outstanding(), s.tracker().isEmpty());
        }
    }

    /**
     * The server the client was waiting for cannot be had (login to the server failed, or a retry is pending): the
     * server's own error is relayed, as PostgreSQL would have sent it.
     */
    public void serverUnavailable(ErrorResponse error) {
        disconnectWith(error, "server unavailable: " + error.code() + " " + error.message());
    }

    /** The parameter sync for this client failed (e.g. a bad TimeZone in the startup packet). */
    public void linkFailed(ErrorResponse error) {
        disconnectWith(ErrorResponse.fatal(error.code(), error.message()), "startup parameter rejected by server: "
                + error.message());
    }

    /** The linked server went away: the session's state is gone with it, so the client must reconnect. */
    public void serverLost(String reason) {
        server = null;
        disconnect(SqlState.CONNECTION_FAILURE, "server connection lost: " + reason);
    }

    /**
     * A ReadyForQuery went to the client. The pool mode decides whether the link ends here (the only place the
     * three modes differ, DESIGN).
     */
    public void readyForQuery(TransactionStatus status, int outstanding, boolean nothingPending) {
        ServerConnection s = server;
        if (s == null || pool == null) {
            return;
        }
        // First: a pinned client keeps s; a refused one (session_state_policy) is gone and s is being reset.
        if (rewriter != null && usedSessionState(parameters.readyForQuery(status, outstanding, s))) {
            return;
        }
        PoolMode mode = pool.settings().poolMode();
        if (mode == PoolMode.STATEMENT && status != TransactionStatus.IDLE) {
            // PgBouncer's rule: statement pooling cannot keep a server across statements, so no transaction blocks.
            disconnect(SqlState.FEATURE_NOT_SUPPORTED, "transaction blocks not allowed in statement pooling mode");
            return;
        }
        if (!held.isEmpty()) {
            forwardHeld(s);                                 // batches held behind the pipeline barrier
            if (state != ClientState.LINKED) {
                return;
            }
            s.flush();
            outstanding = s.outstanding();
            nothingPending = s.tracker().isEmpty();
        }
        if (mode.endsLink(status, outstanding) && nothingPending && held.isEmpty() && !parameters.pinned()) {
            server = null;
            moveTo(ClientState.IDLE, "transaction done");
            s.unlink();
        }
    }

    /**
     * The server answered part of a request without ending it: a batch held behind the pipeline barrier may go now.
     * Waiting for the ReadyForQuery would deadlock when the server needs that batch first (the COPY data after a
     * CopyInResponse).
     */
    public void serverAnswered() {
        ServerConnection s = server;
        if (!held.isEmpty() && state == ClientState.LINKED && s != null && !behindBarrier(s)) {
            forwardHeld(s);
            s.flush();
        }
    }

    /** Session state the pooler cannot carry ({@link ClientParameters#usedSessionState}); true if it refused. */
    private boolean usedSessionState(@Nullable String feature) {
        String refusal = feature == null ? null : parameters.usedSessionState(feature, pool(), this);
        if (refusal != null) {
            disconnect(SqlState.FEATURE_NOT_SUPPORTED, refusal);
        }
        return refusal != null;
    }

    /** The server relayed an ErrorResponse for this client's current request. */
    public void requestFailed() {
        parameters.requestFailed();
    }

    /** A CommandComplete for this client: LISTEN and SQL PREPARE are session state; SETs are judged at ReadyForQuery. */
    public void commandComplete(ByteBuf body) {
        if (rewriter != null) {
            usedSessionState(parameters.commandComplete(body));
        }
    }

    /**
     * This client's named statements as remapped onto server statements (transaction/statement pooling with
     * max_prepared_statements), or null when they pass through untouched.
     */
    public @Nullable StatementRewriter statements() {
        return rewriter;
    }

    /** The server reported a parameter change the client caused (SET): remember it for the next server. */
    public void parameterChanged(String name, String value) {
        parameters.parameterChanged(name, value, pool == null ? null : pool.settings());
    }

    // ---- data path -------------------------------------------------------------------------------------------

    private void forwardToServer(WireUnit unit) {
        if (unit instanceof MessageRun run) {
            runs.forward(run.bytes(), server(), rewriter);
            pendingFlush = true;
            return;
        }
        if (unit.type() == Terminate.TYPE && !(unit instanceof FramePart)) {
            ReferenceCountUtil.release(unit.content());
            disconnectWith(null, "client sent Terminate");
            return;
        }
        if (rewriter != null) {
            if ((unit.type() == 'Q' || unit.type() == 'P') && unit instanceof Frame frame) {
                parameters.forwarding(frame.type(), frame.bytes(), server().outstanding() > 0);
            }
            rewriter.forward(unit, server(), channel());
        } else {
            server().send(unit);
        }
        pendingFlush = true;
    }

    /** Between transactions, what needs no server is answered here (see {@link LocalAnswers}). */
    private boolean answerLocally(WireUnit unit) {
        StatementRewriter r = rewriter;
        return r != null && held.isEmpty() && unit instanceof Frame frame
                && localAnswers.answer(r, frame, pool().group().knownStatements(), channel());
    }

    private void hold(WireUnit unit) {
        localAnswers.reset();
        held.add(unit);
        if (state == ClientState.IDLE && pool != null) {
            moveTo(ClientState.WAITING_FOR_SERVER, "query while idle");
            pool.acquire(this);                             // links at once when a server is idle: the usual case
        }
        if (state == ClientState.WAITING_FOR_SERVER) {
            held.limitReading(channel());
        }
    }

    /**
     * The pipeline barrier (see {@link StatementRewriter#mustWait}): a later batch waits while an earlier one's
     * effect on the statement caches is unknown.
     */
    private boolean behindBarrier(ServerConnection s) {
        return rewriter != null && StatementRewriter.mustWait(s);
    }

    /** Forwards what is held, in order, up to the barrier; reading resumes once nothing is held. */
    private void forwardHeld(ServerConnection s) {
        while (!held.isEmpty() && state == ClientState.LINKED && !behindBarrier(s)) {
            forwardToServer(held.next());
        }
        if (state == ClientState.LINKED) {
            held.resumeReading(channel());
        }
    }

    // ---- exit ------------------------------------------------------------------------------------------------

    /** The one exit door with an error: sends FATAL {@code code} {@code reason} when the protocol allows it. */
    public void disconnect(SqlState code, String reason) {
        disconnectWith(ErrorResponse.fatal(code, reason), reason);
    }

    private void disconnectWith(@Nullable ErrorResponse error, String reason) {
        if (state == ClientState.CLOSING || state == ClientState.CLOSED) {
            return;
        }
        ClientState from = state;
        moveTo(ClientState.CLOSING, reason);
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            if (error != null && from != ClientState.TLS_HANDSHAKE) {
                ch.writeAndFlush(error.encode(ch.alloc())).addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.close();
            }
        }
        // One line per disconnect, as PgBouncer's "closing because": always when the pooler ends the session with an
        // error (bad input, limits, timeouts), otherwise only with log_disconnections.
        if (!login.quietClose() && (error != null || !loggedIn || context.logDisconnections())) {
            log.info("{} closing because: {} (age={}s)", this, reason,
                    (System.nanoTime() - connectedNanos) / 1_000_000_000L);
        }
        closeLogged = true;
        finish(reason);
    }

    /** Releases everything this client held; runs once, from disconnect or channelInactive. */
    private void finish(String reason) {
        if (state == ClientState.CLOSED) {
            return;
        }
        if (state != ClientState.CLOSING) {
            moveTo(ClientState.CLOSING, reason);
        }
        moveTo(ClientState.CLOSED, reason);
        login.close();
        held.releaseAll();
        ServerConnection s = server;
        server = null;
        if (s != null) {
            boolean midMessage = channel != null
                    && channel.pipeline().get(FrameDecoder.class) instanceof FrameDecoder decoder
                    && decoder.isStreaming();
            s.clientGone(midMessage, parameters.pinned());
        }
        if (pool != null) {
            pool.removeClient(this);
        }
        if (console != null) {
            console.closed();
        }
        if (slotTaken) {
            context.pools().limits().removeClient();
        }
        if (cancelKey != null) {
            context.cancels().unregister(this, cancelKey);
        }
        if (context.logDisconnections() && loggedIn && !closeLogged) {
            log.info("{} closing because: {} (age={}s)", this, reason,
                    (System.nanoTime() - connectedNanos) / 1_000_000_000L);
        }
    }

    // ---- helpers & accessors ---------------------------------------------------------------------------------

    void write(io.tidepool.wire.backend.BackendMessage message) {
        ByteBuf out = channel().alloc().buffer(64);
        message.encode(out);
        channel().write(out, channel().voidPromise());
    }

    private Pool pool() {
        return java.util.Objects.requireNonNull(pool, "no pool");
    }

    private ServerConnection server() {
        return java.util.Objects.requireNonNull(server, "not linked");
    }

    public Channel channel() {
        return java.util.Objects.requireNonNull(channel, "not connected");
    }

    /** The relay's way out to this client; made at its first use, after login, when the pipeline is final. */
    public SocketOutput output() {
        SocketOutput o = output;
        if (o == null) {
            o = SocketOutput.of(channel());
            output = o;
        }
        return o;
    }

    public BackendKeyData cancelKey() {
        return java.util.Objects.requireNonNull(cancelKey, "no cancel key yet");
    }

    public @Nullable BackendKeyData cancelKeyOrNull() {
        return cancelKey;
    }

    public Map<String, String> wantedParameters() {
        return parameters.wanted();
    }

    /** {@link #wantedParameters()} as the instance shared by every client with equal parameters (read-only). */
    public Map<String, String> canonicalParameters() {
        return parameters.canonical();
    }

    ClientParameters parameters() {
        return parameters;
    }

    /** The janitor's per-client timeouts (see {@link ClientTimeout}): the first one expired ends the client. */
    public void checkTimeouts(long now, io.tidepool.pooler.pool.PoolSettings settings) {
        ClientTimeout expired = isClosed() || !loggedIn ? null
                : ClientTimeout.expired(server, now, lastReadNanos, settings);
        if (expired != null) {
            disconnect(expired.code(), expired.reason());
        }
    }

    public long waitStartNanos() {
        return waitStartNanos;
    }

    /** Whether the client is in the middle of a transaction or a request (shutdown waits for those). */
    public boolean isBusy() {
        ServerConnection s = server;
        return s != null && (s.outstanding() > 0 || s.transactionStatus() != TransactionStatus.IDLE);
    }

    /** Whether this client is on the admin console rather than a pool. */
    public boolean isConsole() {
        return consoleLogin;
    }

    public boolean isClosed() {
        return state == ClientState.CLOSING || state == ClientState.CLOSED;
    }

    public ClientState state() {
        return state;
    }

    public long id() {
        return id;
    }

    public String peer() {
        return peer;
    }

    public long connectedNanos() {
        return connectedNanos;
    }

    public @Nullable ServerConnection linkedServer() {
        return server;
    }

    public @Nullable StartupRequest startup() {
        return startup;
    }

    /** PgBouncer-style log prefix: {@code C-42 app/alice@10.0.0.7:51234}. */
    @Override
    public String toString() {
        StartupRequest s = startup;
        return "C-" + id + " " + (s == null ? "(nodb)/(nouser)" : s.database() + "/" + s.user()) + "@" + peer;
    }
}
