package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tidepool.auth.AuthenticationException;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.link.CommandTag;
import io.tidepool.pooler.link.LinkedServer;
import io.tidepool.pooler.link.RequestTracker;
import io.tidepool.pooler.link.ServerStatements;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.wire.Frame;
import io.tidepool.wire.Limits;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.backend.Authentication;
import io.tidepool.wire.backend.BackendKeyData;
import io.tidepool.wire.backend.ControlMessages;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.backend.NoticeResponse;
import io.tidepool.wire.backend.ParameterStatus;
import io.tidepool.wire.backend.ReadyForQuery;
import io.tidepool.wire.backend.TransactionStatus;
import io.tidepool.wire.codec.Direction;
import io.tidepool.wire.codec.FrameDecoder;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.Query;
import io.tidepool.wire.frontend.Terminate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One connection from Tidepool to PostgreSQL, and the Netty handler that reads it.
 *
 * <p>Lifecycle in {@link ServerState}; {@link #moveTo} is the only place that changes it (and keeps the pool's lists in
 * step). While {@link ServerState#LINKED}, every frame from the server is written to the client as the bytes it
 * arrived in; only ReadyForQuery, ParameterStatus and ErrorResponse are looked at (DESIGN hot-path rules 1–3).
 * {@link #close} is the one exit door.
 *
 * <p>Event-loop confined: the channel, its client and its pool share one loop.
 */
public final class ServerConnection extends ChannelInboundHandlerAdapter implements LinkedServer {
    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Pool pool;
    private final ServerTarget target;
    private final ServerLogin login;
    private final ServerParameters parameters = new ServerParameters();
    private final RequestTracker tracker = new RequestTracker();
    private final ServerStatements statements;
    private final long createdNanos = System.nanoTime();
    private @Nullable Channel channel;
    private ServerState state = ServerState.CONNECTING;
    private @Nullable BackendKeyData backendKey;
    private @Nullable ClientSession client;
    private @Nullable InternalQuery internal;
    private @Nullable ErrorResponse loginError;
    private @Nullable ScheduledFuture<?> loginTimeout;
    private int outstanding;
    private TransactionStatus transactionStatus = TransactionStatus.IDLE;
    private @Nullable Channel flushTarget;
    private boolean dying;
    private int cancelsInFlight;
    private long idleSinceNanos = createdNanos;
    private long linkedSinceNanos;
    // Statistics (issue 7): when the current request and transaction started; 0 when none is running.
    private long queryStartNanos;
    private long xactStartNanos;
    /** RECONNECT: close instead of returning to the pool (PgBouncer close_needed). */
    private boolean closeNeeded;
    private long requestStartNanos;
    private long readyNanos;
    /** Parse/Bind/Describe/Execute/Close sent since the last Query, FunctionCall or Sync: an extended batch open. */
    private boolean batchOpen;

    private ServerConnection(Pool pool, ServerTarget target) {
        this.pool = pool;
        this.target = target;
        this.login = new ServerLogin(target, pool.group().scramPassThrough());
        this.statements = new ServerStatements(pool.group().knownStatements());
    }

    /** Opens a new server connection for {@code pool}; it reports to the pool when it is idle or closed. */
    public static void open(Pool pool, ServerTarget target) {
        ServerConnection server = new ServerConnection(pool, target);
        var settings = pool.settings();
        pool.group().connector().connect(pool.loop(), server.target, settings.serverConnectTimeout(),
                new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(FrameDecoder.NAME, new FrameDecoder(Direction.BACKEND, Limits.DEFAULT, true));
                        ch.pipeline().addLast("server", server);
                    }
                }).addListener((ChannelFutureListener) future -> {
                    if (!future.isSuccess()) {
                        server.loginError = ErrorResponse.fatal(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                                "could not connect to server " + server.target.host() + ":" + server.target.port()
                                        + ": " + describe(future.cause()));
                        server.close("connect failed: " + describe(future.cause()));
                    }
                });
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    /** The only place {@link #state} changes. */
    void moveTo(ServerState to, String reason) {
        if (!state.canMoveTo(to)) {
            throw new IllegalStateException(this + ": " + state + " -> " + to + " is not a transition (" + reason + ")");
        }
        ServerState from = state;
        state = to;
        if (to == ServerState.IDLE) {
            idleSinceNanos = System.nanoTime();
        }
        if (log.isDebugEnabled()) {             // the hot path links and unlinks per transaction: no garbage
            log.debug("{} {} -> {}: {}", this, from, to, reason);
        }
        pool.track(this, from, to);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        moveTo(ServerState.AUTHENTICATING, "connected");
        long timeout = pool.settings().serverConnectTimeout().toMillis();
        if (timeout > 0) {
            loginTimeout = ctx.executor().schedule(() -> {
                loginError = ErrorResponse.fatal(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                        "server login timed out (server_connect_timeout)");
                close("login timed out");
            }, timeout, TimeUnit.MILLISECONDS);
        }
        ServerTls tls = pool.group().connector().tls();
        if (!tls.appliesTo(target)) {
            sendStartup(ctx);
            return;
        }
        tls.begin(ctx, target, new ServerTls.Outcome() {
            @Override
            public void proceed(byte @Nullable [] tlsServerEndPoint) {
                if (state == ServerState.AUTHENTICATING) {
                    login.tlsServerEndPoint(tlsServerEndPoint);
                    sendStartup(ctx);
                }
            }

            @Override
            public void fail(String reason) {
                loginError = ErrorResponse.fatal(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, reason);
                close(reason);
            }
        });
    }

    private void sendStartup(ChannelHandlerContext ctx) {
        ByteBuf startup = ctx.alloc().buffer(128);
        login.startupMessage().encode(startup);
        ctx.writeAndFlush(startup, ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        WireUnit unit = (WireUnit) msg;
        try {
            switch (state) {
                case LINKED -> {
                    forwardToClient(unit);
                    unit = null;                              // ownership passed
                }
                case AUTHENTICATING -> onLoginMessage(ctx, (Frame) unit);
                case CHECKING, RESETTING -> onInternalMessage(unit);
                case IDLE -> onUnsolicited(unit);
                case CONNECTING, CLOSED -> {
                }
            }
        } finally {
            if (unit != null) {
                ReferenceCountUtil.release(unit.content());
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel target = flushTarget;
        if (target != null) {
            // The client written to in this read batch, even if the link ended in the middle of it.
            flushTarget = null;
            target.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This channel is the sink of the client's bytes: while it cannot take more, stop reading the client.
        ClientSession c = client;
        if (c != null) {
            c.channel().config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lostUnexpectedly();
        close(state == ServerState.AUTHENTICATING ? "server closed the connection during login"
                : "server closed the connection");
    }

    /** The connection broke without the pooler closing it: tell role monitoring (a crashed or demoted host). */
    private void lostUnexpectedly() {
        if (state != ServerState.CLOSED && state != ServerState.CONNECTING && state != ServerState.AUTHENTICATING) {
            pool.group().targets().serverFailed(target);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lostUnexpectedly();
        if (cause instanceof ProtocolException e) {
            close("protocol violation from server: " + e.getMessage());
        } else {
            close("I/O error: " + describe(cause));
        }
    }

    // ---- login -----------------------------------------------------------------------------------------------

    private void onLoginMessage(ChannelHandlerContext ctx, Frame frame) {
        if (!ControlMessages.isControl(frame.type())) {
            if (frame.type() == NoticeResponse.TYPE) {
                return;
            }
            throw new ProtocolException("message '" + Printable.typeChar(frame.type()) + "' during login");
        }
        switch (ControlMessages.decode(frame)) {
            case Authentication request -> {
                try {
                    ByteBuf answer = login.answer(request, ctx.alloc());
                    if (answer != null) {
                        ctx.writeAndFlush(answer, ctx.voidPromise());
                    }
                } catch (AuthenticationException e) {
                    loginError = ErrorResponse.fatal(e.sqlState(), e.getMessage());
                    close("login failed: " + e.getMessage());
                }
            }
            case ErrorResponse error -> {
                loginError = error;
                close("login failed: " + error.code() + " " + error.message());
            }
            case ParameterStatus(var name, var value) -> {
                parameters.reported(name, value);
                if (name.equals("in_hot_standby")) {
                    pool.group().targets().serverReported(target, name, value);
                }
            }
            case BackendKeyData key -> backendKey = key;
            case ReadyForQuery ready -> {
                if (!login.isDone()) {
                    throw new ProtocolException("ReadyForQuery before AuthenticationOk");
                }
                if (loginTimeout != null) {
                    loginTimeout.cancel(false);
                }
                pool.rememberWelcome(parameters.reported());
                String connectQuery = pool.settings().connectQuery();
                if (connectQuery.isEmpty()) {
                    moveTo(ServerState.IDLE, "login complete");
                } else {
                    moveTo(ServerState.CHECKING, "running connect_query");
                    runInternal(connectQuery, error -> {
                        if (state == ServerState.CLOSED) {
                            return;
                        }
                        if (error != null) {
                            loginError = error;
                            close("connect_query failed: " + error.message());
                        } else {
                            moveTo(ServerState.IDLE, "login complete");
                        }
                    });
                }
            }
            case io.tidepool.wire.backend.NegotiateProtocolVersion negotiation ->
                    throw new ProtocolException("unexpected NegotiateProtocolVersion for protocol 3.0");
        }
    }

    // ---- internal queries ------------------------------------------------------------------------------------

    private void runInternal(String sql, Consumer<@Nullable ErrorResponse> onDone) {
        internal = new InternalQuery(sql, onDone);
        outstanding++;
        ByteBuf out = channel().alloc().buffer(16 + sql.length());
        new Query(sql).encode(out);
        channel().writeAndFlush(out, channel().voidPromise());
    }

    private void onInternalMessage(WireUnit unit) {
        InternalQuery query = internal;
        if (query == null || !(unit instanceof Frame frame)) {
            throw new ProtocolException("unexpected data from server while idle");
        }
        switch (frame.type()) {
            case ErrorResponse.TYPE -> query.error(ErrorResponse.decode(frame.body()));
            case ParameterStatus.TYPE -> {
                ParameterStatus status = ParameterStatus.decode(frame.body());
                parameters.reported(status.name(), status.value());
            }
            case ReadyForQuery.TYPE -> {
                outstanding--;
                transactionStatus = ReadyForQuery.decode(frame.body()).status();
                internal = null;
                query.complete();
            }
            default -> {
                // Rows, CommandComplete, notices of the pooler's own query: nobody wants them.
            }
        }
    }

    private void onUnsolicited(WireUnit unit) {
        if (unit instanceof Frame frame && frame.type() == ErrorResponse.TYPE) {
            ErrorResponse error = ErrorResponse.decode(frame.body());
            close("server sent an error while idle: " + error.code() + " " + error.message());
        } else if (unit instanceof Frame frame && frame.type() == ParameterStatus.TYPE) {
            ParameterStatus status = ParameterStatus.decode(frame.body());
            parameters.reported(status.name(), status.value());
        } else if (!(unit instanceof Frame frame && frame.type() == NoticeResponse.TYPE)) {
            // PgBouncer: "got packet from server when not linked". Its bytes belong to nobody: drop the connection.
            close("unexpected message '" + Printable.typeChar(unit.type()) + "' from server while idle");
        }
    }

    // ---- linking ---------------------------------------------------------------------------------------------

    /**
     * Gives this idle server to {@code c}: after a health check (server_check_delay) and the parameter sync, if
     * either is needed, in one round trip; then {@link ClientSession#linked}.
     */
    public void link(ClientSession c) {
        var settings = pool.settings();
        long checkDelay = settings.serverCheckDelay().toNanos();
        String checkQuery = settings.serverCheckQuery();
        boolean check = checkQuery != null && (checkDelay == 0 || System.nanoTime() - idleSinceNanos >= checkDelay);
        java.util.Map<String, String> wanted = c.canonicalParameters();
        ParameterSync.Plan plan = parameters.knownToMatch(wanted) ? null : ParameterSync.plan(wanted, parameters);
        if (plan == null) {
            parameters.matched(wanted);
        }
        if (!check && plan == null) {
            linkNow(c);
            return;
        }
        String sql = (check ? checkQuery : "")
                + (plan == null ? "" : (check && !checkQuery.isEmpty() ? ";" : "") + plan.sql());
        moveTo(ServerState.CHECKING, check ? "server check" : "parameter sync");
        runInternal(sql, error -> {
            if (state == ServerState.CLOSED) {
                if (!c.isClosed()) {
                    pool.acquire(c);                      // the check killed it: try another server
                }
                return;
            }
            if (error == null && plan != null) {
                plan.sets().forEach(parameters::applied);
                plan.resets().forEach(parameters::reset);
            }
            if (error != null && plan == null) {
                close("server check failed: " + error.message());
                if (!c.isClosed()) {
                    pool.acquire(c);
                }
            } else if (c.isClosed()) {
                moveTo(ServerState.IDLE, "client left during server check");
            } else if (error != null) {
                moveTo(ServerState.IDLE, "parameter sync failed");
                c.linkFailed(error);
            } else {
                linkNow(c);
            }
        });
    }

    private void linkNow(ClientSession c) {
        client = c;
        linkedSinceNanos = System.nanoTime();
        pool.stats().assigned(linkedSinceNanos - c.waitStartNanos());
        moveTo(ServerState.LINKED, "linked to a client");
        c.linked(this);
    }

    /** Writes bytes the pooler built for this server (rewritten or injected messages). */
    @Override
    public void sendBuilt(ByteBuf bytes) {
        batchOpen = true;                                   // only the rewriter builds: Parse/Bind/Describe/Close
        pool.stats().received(bytes.readableBytes());
        channel().write(bytes, channel().voidPromise());
    }

    @Override
    public RequestTracker tracker() {
        return tracker;
    }

    @Override
    public ServerStatements statements() {
        return statements;
    }

    @Override
    public int maxPreparedStatements() {
        return pool.settings().maxPreparedStatements();
    }

    /** Writes a client's bytes to the server; Query, Sync and FunctionCall each expect one ReadyForQuery. */
    @Override
    public void send(WireUnit unit) {
        if (startsMessage(unit)) {
            account(unit.type());
        }
        pool.stats().received(unit.content().readableBytes());
        channel().write(unit.content(), channel().voidPromise());
    }

    /** What the server will owe for a client message about to be written (by its first part). */
    private void account(byte type) {
        if (tracker.serverSkipping() && type != 'S') {
            // protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY: after an error in an extended batch the server discards
            // every message up to the client's Sync, this one included (a Query or FunctionCall gets no
            // ReadyForQuery). A tracking client's rewriter drops them before they get here.
            return;
        }
        ClientSession c = client;
        if (c != null && !c.tracksStatements()) {
            tracker.addPassedThrough(type);                 // a rewriter tracks what it forwards itself
        }
        if (type == 'Q' || type == 'S' || type == 'F') {
            batchOpen = false;                              // each ends (commits) an implicit extended-query block
            if (outstanding++ == 0) {
                requestStartNanos = System.nanoTime();      // query_timeout counts from the oldest request
                // Statistics: a request (and, from idle, a transaction) starts with the first one outstanding.
                queryStartNanos = requestStartNanos;
                if (xactStartNanos == 0 && transactionStatus == TransactionStatus.IDLE) {
                    xactStartNanos = queryStartNanos;
                }
            }
        } else if (type == 'P' || type == 'B' || type == 'E' || type == 'D' || type == 'C') {
            batchOpen = true;
        }
    }

    private static boolean startsMessage(WireUnit unit) {
        return unit instanceof Frame || ((io.tidepool.wire.FramePart) unit).first();
    }

    public void flush() {
        channel().flush();
    }

    private void forwardToClient(WireUnit unit) {
        ClientSession c = client;
        pool.stats().sent(unit.content().readableBytes());
        boolean whole = unit instanceof Frame;
        if ((whole || ((io.tidepool.wire.FramePart) unit).first()) && tracker.onServerMessage(unit.type(), statements)) {
            ReferenceCountUtil.release(unit.content());     // the answer to a request the pooler made itself
            return;
        }
        if (tracker.hasUndo()) {
            tracker.drainUndo(c::setBackStatement);       // requests skipped after an error (at 'E' or 'Z')
        }
        if (unit.type() == ErrorResponse.TYPE) {
            skippedAfterError();
        }
        if (unit instanceof Frame frame && ControlMessages.isControl(frame.type())) {
            switch (frame.type()) {
                case ReadyForQuery.TYPE -> {
                    outstanding = Math.max(0, outstanding - 1);
                    transactionStatus = TransactionStatus.of(frame.bytes().getByte(frame.bytes().readerIndex() + 5));
                    readyNanos = System.nanoTime();
                    if (outstanding > 0) {
                        requestStartNanos = readyNanos;           // the next pipelined request is now running
                    }
                    countReadyForQuery(readyNanos);
                    c.channel().write(frame.bytes(), c.channel().voidPromise());
                    flushTarget = c.channel();
                    tracker.drainFakes(c.channel());
                    c.readyForQuery(transactionStatus, outstanding, tracker.isEmpty());
                    return;
                }
                case ParameterStatus.TYPE -> {
                    ParameterStatus status = ParameterStatus.decode(frame.body());
                    parameters.reported(status.name(), status.value());
                    c.parameterChanged(status.name(), status.value());
                    if (status.name().equals("in_hot_standby")) {
                        pool.group().targets().serverReported(target, status.name(), status.value());
                    }
                }
                case ErrorResponse.TYPE -> {
                    ErrorResponse error = ErrorResponse.decode(frame.body());
                    c.requestFailed();
                    pool.group().errorRelayed(error.code());
                    if (error.isFatal() || SqlState.isFatalToServerConnection(error.code())) {
                        dying = true;                     // relayed to the client; the server closes next
                    }
                }
                default -> throw new ProtocolException("message '" + Printable.typeChar(frame.type())
                        + "' from server while linked");
            }
        }
        if (unit.type() == 'C' && whole && c.tracksStatements()) {
            forgetStatementsOnDeallocateAll((Frame) unit, c);
            c.commandComplete(((Frame) unit).body());    // session state the client's tags reveal (LISTEN, SET...)
        }
        c.channel().write(unit.content(), c.channel().voidPromise());
        flushTarget = c.channel();
        if (!tracker.isEmpty()) {
            tracker.drainFakes(c.channel());
        }
    }

    /**
     * An error in an extended batch made the server skip the Queries and FunctionCalls sent after the failed message
     * and before the Sync (postgres.c ignore_till_sync): they will get no ReadyForQuery, so they are no longer owed.
     * Without this the server was never released in transaction mode (issue 3).
     */
    private void skippedAfterError() {
        int skipped = tracker.takeSkippedReadies();
        if (skipped == 0) {
            return;
        }
        outstanding = Math.max(0, outstanding - skipped);
        if (outstanding == 0) {
            // No Sync sent yet: the server now waits for the client, and the request is over (the Sync starts one).
            readyNanos = System.nanoTime();
            queryStartNanos = 0;
        }
    }

    /** Statistics at a relayed ReadyForQuery: one query done; a transaction done when the status is idle. */
    private void countReadyForQuery(long now) {
        if (queryStartNanos != 0) {
            pool.stats().queryDone(now - queryStartNanos);
            queryStartNanos = outstanding > 0 ? now : 0;
        }
        if (transactionStatus == TransactionStatus.IDLE && xactStartNanos != 0) {
            pool.stats().xactDone(now - xactStartNanos);
            xactStartNanos = 0;
        }
    }

    /** CommandComplete of DEALLOCATE ALL or DISCARD ALL: every prepared statement is gone, here and for the client. */
    private void forgetStatementsOnDeallocateAll(Frame frame, ClientSession c) {
        ByteBuf body = frame.body();
        if (CommandTag.is(body, CommandTag.DEALLOCATE_ALL) || CommandTag.is(body, CommandTag.DISCARD_ALL)) {
            statements.clear();
            c.forgetStatements();
        }
    }


    /**
     * Ends the link after a transaction or statement (transaction and statement pooling): the server goes back to
     * the pool at once, clean, because it reported idle with nothing outstanding.
     */
    public void unlink() {
        client = null;
        if (!channel().config().isAutoRead()) {
            channel().config().setAutoRead(true);
        }
        release("transaction done");
    }

    /**
     * The linked client left. PgBouncer's rule: a server goes back to the pool only when it is idle, nothing is
     * outstanding and nothing half-sent; otherwise its session state is unknown and it is closed.
     */
    public void clientGone(boolean clientMidMessage, boolean sessionStateUsed) {
        client = null;
        if (state != ServerState.LINKED) {
            return;
        }
        channel().config().setAutoRead(true);
        if (clientMidMessage) {
            close("client disconnected in the middle of a message");
        } else if (outstanding > 0 || !tracker.isEmpty() || batchOpen) {
            // batchOpen: an extended batch without its Sync holds an implicit transaction (or, after an error, makes
            // the server ignore the next client's queries) that no ReadyForQuery has reported.
            close("client disconnected with query in progress");
        } else if (transactionStatus != TransactionStatus.IDLE) {
            close("client disconnected inside a transaction");
        } else {
            reset(sessionStateUsed);
        }
    }

    private void reset(boolean sessionStateUsed) {
        var settings = pool.settings();
        boolean resetNeeded = settings.poolMode() == io.tidepool.pooler.pool.PoolMode.SESSION
                || settings.serverResetQueryAlways() || sessionStateUsed;
        if (!resetNeeded || settings.serverResetQuery().isBlank()) {
            release("client left");
            return;
        }
        moveTo(ServerState.RESETTING, "running server_reset_query");
        runInternal(settings.serverResetQuery(), error -> {
            if (state == ServerState.CLOSED) {
                return;
            }
            if (error != null || transactionStatus != TransactionStatus.IDLE) {
                close("server_reset_query failed: " + (error == null ? "not idle" : error.message()));
            } else {
                parameters.forgetApplied();
                statements.clear();                       // DISCARD ALL deallocated them
                release("reset done");
            }
        });
    }

    private void release(String reason) {
        if (!pool.group().targets().stillValid(target)) {
            close("host " + target.host() + ":" + target.port() + " changed role");
        } else if (dying) {
            close("server is shutting down");
        } else if (closeNeeded) {
            close("reconnect requested by admin");
        } else if (livedTooLong(System.nanoTime())) {
            close("server lifetime over");
        } else if (cancelsInFlight > 0) {
            // A cancel sent for the previous client must not hit the next one (PgBouncer #717): wait it out.
            moveTo(ServerState.CHECKING, "waiting for " + cancelsInFlight + " cancel request(s) to finish");
        } else {
            moveTo(ServerState.IDLE, reason);
        }
    }

    // ---- cancel ----------------------------------------------------------------------------------------------

    /** Called on this loop when a cancel for this server's current query is about to be sent. */
    public void cancelStarted() {
        cancelsInFlight++;
    }

    public void cancelFinished() {
        cancelsInFlight--;
        if (cancelsInFlight == 0 && state == ServerState.CHECKING && internal == null) {
            // PostgreSQL signals the backend before it closes the cancel connection, but the backend may act on
            // the signal only when it next runs: at the start of the next client's query (seen under load). An
            // empty query of our own absorbs such a pending cancel before anyone else gets this connection.
            runInternal("", error -> {
                if (state == ServerState.CHECKING) {
                    moveTo(ServerState.IDLE, "cancel requests finished");
                }
            });
        }
    }

    public @Nullable BackendKeyData backendKey() {
        return backendKey;
    }

    public ServerTarget target() {
        return target;
    }

    // ---- exit ------------------------------------------------------------------------------------------------

    /** The one exit door: logs why, tells the client and the pool, closes the socket. Idempotent. */
    public void close(String reason) {
        if (state == ServerState.CLOSED) {
            return;
        }
        boolean neverLoggedIn = state == ServerState.CONNECTING || state == ServerState.AUTHENTICATING
                || (loginError != null);
        if (neverLoggedIn) {
            pool.group().targets().serverFailed(target);    // refused or failed login: a hint for role monitoring
        }
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
        }
        moveTo(ServerState.CLOSED, reason);
        log.info("{} closing because: {} (age={}s)", this, reason,
                (System.nanoTime() - createdNanos) / 1_000_000_000L);
        ClientSession c = client;
        client = null;
        if (c != null) {
            c.serverLost(reason);
        }
        InternalQuery pending = internal;
        internal = null;
        if (channel != null && channel.isActive()) {
            if (!neverLoggedIn && outstanding == 0) {
                ByteBuf bye = channel.alloc().buffer(5);
                Terminate.INSTANCE.encode(bye);
                channel.writeAndFlush(bye).addListener(ChannelFutureListener.CLOSE);
            } else {
                channel.close();
            }
        }
        ErrorResponse failure = neverLoggedIn ? (loginError != null ? loginError
                : ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, "server closed the connection during login"))
                : null;
        pool.serverClosed(this, failure);
        if (pending != null) {
            // Its owner sees state CLOSED and reacts (a client being linked tries another server).
            pending.error(ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, reason));
            pending.complete();
        }
    }

    // ---- janitor & admin -------------------------------------------------------------------------------------

    public boolean idleTooLong(long now) {
        long limit = pool.settings().serverIdleTimeout().toNanos();
        return state == ServerState.IDLE && limit > 0 && now - idleSinceNanos >= limit;
    }

    /** Nanoseconds the oldest outstanding request has been running (0 when none): query_timeout. */
    public long requestRunningNanos(long now) {
        return outstanding > 0 ? now - requestStartNanos : 0;
    }

    /** Nanoseconds idle inside a transaction (0 when not): idle_transaction_timeout. */
    public long idleInTransactionNanos(long now) {
        return outstanding == 0 && transactionStatus != TransactionStatus.IDLE ? now - readyNanos : 0;
    }

    public boolean livedTooLong(long now) {
        long limit = pool.settings().serverLifetime().toNanos();
        return limit > 0 && now - createdNanos >= limit;
    }

    public ServerState state() {
        return state;
    }

    /** RECONNECT: this server closes instead of going back to the pool (or now, when idle; see Pool#reconnect). */
    public void markCloseNeeded() {
        closeNeeded = true;
    }

    public boolean closeNeeded() {
        return closeNeeded;
    }

    public long idleSinceNanos() {
        return idleSinceNanos;
    }

    public long id() {
        return id;
    }

    public Pool pool() {
        return pool;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public long linkedSinceNanos() {
        return linkedSinceNanos;
    }

    public @Nullable ClientSession client() {
        return client;
    }

    public Channel channel() {
        Channel ch = channel;
        if (ch == null) {
            throw new IllegalStateException(this + ": not connected");
        }
        return ch;
    }

    public ServerParameters parameters() {
        return parameters;
    }

    public TransactionStatus transactionStatus() {
        return transactionStatus;
    }

    public int outstanding() {
        return outstanding;
    }

    static String describe(@Nullable Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** PgBouncer-style log prefix: {@code S-17 app/alice@pg1:5432}. */
    @Override
    public String toString() {
        return "S-" + id + " " + pool.key().database() + "/" + target.user() + "@" + target.host() + ":"
                + target.port();
    }
}
