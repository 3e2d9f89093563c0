package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.net.SocketOutput;
import io.tidepool.pooler.link.LinkedServer;
import io.tidepool.pooler.link.RequestTracker;
import io.tidepool.pooler.link.ServerStatements;
import io.tidepool.pooler.metrics.PoolStats;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Limits;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.backend.BackendKeyData;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.backend.NoticeResponse;
import io.tidepool.wire.backend.ParameterStatus;
import io.tidepool.wire.backend.TransactionStatus;
import io.tidepool.wire.codec.Direction;
import io.tidepool.wire.codec.FrameDecoder;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.Terminate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection from Tidepool to PostgreSQL, and the Netty handler that reads it.
 *
 * <p>Lifecycle in {@link ServerState}; {@link #moveTo} is the only place that changes it (and keeps the pool's lists in
 * step). What it reads goes, by state, to one helper it owns: {@link ServerStartup} while AUTHENTICATING (TLS, login,
 * connect_query), {@link InternalQueries} while CHECKING or RESETTING (server check, parameter sync,
 * server_reset_query), {@link ClientRelay} while {@link ServerState#LINKED} (every frame written to the client as the
 * bytes it arrived in; only ReadyForQuery, ParameterStatus and ErrorResponse are looked at, DESIGN hot-path rules
 * 1–3). {@link RequestAccounting} counts what the server owes. {@link #close} is the one exit door.
 *
 * <p>Event-loop confined: the channel, its client and its pool share one loop.
 */
public final class ServerConnection extends ChannelInboundHandlerAdapter implements LinkedServer {
    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Pool pool;
    private final PoolStats stats;
    private final ServerTarget target;
    private final ServerParameters parameters = new ServerParameters();
    private final RequestTracker tracker = new RequestTracker();
    private final ServerStatements statements;
    private final RequestAccounting requests;
    private final ServerStartup startup;
    private final InternalQueries internal;
    private final ClientRelay relay;
    private final long createdNanos = System.nanoTime();
    private @Nullable SocketOutput output;
    private @Nullable Channel channel;
    /** In run mode while LINKED: the relay forwards what arrived together in one write ({@link FrameDecoder#joinRuns}). */
    private @Nullable FrameDecoder decoder;
    private ServerState state = ServerState.CONNECTING;
    private @Nullable ClientSession client;
    private int cancelsInFlight;
    private long idleSinceNanos = createdNanos;
    private long linkedSinceNanos;
    /** RECONNECT: close instead of returning to the pool (PgBouncer close_needed). */
    private boolean closeNeeded;

    private ServerConnection(Pool pool, ServerTarget target) {
        this.pool = pool;
        this.stats = pool.stats();
        this.target = target;
        this.statements = new ServerStatements(pool.group().knownStatements());
        this.requests = new RequestAccounting(tracker, stats);
        this.startup = new ServerStartup(this, pool, target);
        this.internal = new InternalQueries(this, pool, parameters, requests);
        this.relay = new ClientRelay(pool, target, parameters, tracker, statements, requests);
    }

    /** Opens a new server connection for {@code pool}; it reports to the pool when it is idle or closed. */
    public static void open(Pool pool, ServerTarget target) {
        ServerConnection server = new ServerConnection(pool, target);
        var settings = pool.settings();
        pool.group().connector().connect(pool.loop(), server.target, settings.serverConnectTimeout(),
                new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        server.decoder = new FrameDecoder(Direction.BACKEND, Limits.DEFAULT);
                        ch.pipeline().addLast(FrameDecoder.NAME, server.decoder);
                        ch.pipeline().addLast("server", server);
                    }
                }).addListener((ChannelFutureListener) future -> {
                    if (!future.isSuccess()) {
                        server.startup.fail(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                                "could not connect to server " + server.target.host() + ":" + server.target.port()
                                        + ": " + describe(future.cause()),
                                "connect failed: " + describe(future.cause()));
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
        if (decoder != null && (from == ServerState.LINKED || to == ServerState.LINKED)) {
            decoder.joinRuns(to == ServerState.LINKED);    // only the relay takes runs
        }
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
        startup.begin(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        WireUnit unit = (WireUnit) msg;
        try {
            switch (state) {
                case LINKED -> {
                    relay.forward(unit, client);
                    unit = null;                              // ownership passed
                }
                case AUTHENTICATING -> startup.onMessage(ctx, (Frame) unit);
                case CHECKING, RESETTING -> internal.onMessage(unit);
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
        relay.flushClient();
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
     * either is needed, in one round trip ({@link InternalQueries#link}); then {@link ClientSession#linked}.
     */
    public void link(ClientSession c) {
        internal.link(c);
    }

    void linkNow(ClientSession c) {
        client = c;
        linkedSinceNanos = System.nanoTime();
        stats.assigned(linkedSinceNanos - c.waitStartNanos());
        moveTo(ServerState.LINKED, "linked to a client");
        c.linked(this);
    }

    /** Writes bytes the pooler built for this server (rewritten or injected messages). */
    @Override
    public void sendBuilt(ByteBuf bytes) {
        requests.builtSent();                               // only the rewriter builds: Parse/Bind/Describe/Close
        stats.received(bytes.readableBytes());
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
        if (unit instanceof Frame || ((FramePart) unit).first()) {
            requests.sent(unit.type(), client);
        }
        stats.received(unit.content().readableBytes());
        output().write(unit.content());
    }

    /**
     * Writes whole client messages that pass unchanged (see {@code UnchangedMessages}) in one write, accounting for
     * each as {@link #send} and, for a client with statement tracking, {@code StatementRewriter.forward} would;
     * takes ownership of {@code messages}.
     */
    public void sendMessages(ByteBuf messages) {
        ClientSession c = client;
        boolean rewriterTracks = c != null && c.statements() != null;
        int end = messages.writerIndex();
        for (int at = messages.readerIndex(); at < end; at = Frame.endOf(messages, at)) {
            byte type = messages.getByte(at);
            if (rewriterTracks) {
                tracker.addPassedThrough(type);             // what the rewriter does for a message it passes on
            }
            requests.sent(type, c);
        }
        stats.received(messages.readableBytes());
        output().write(messages);
    }

    public void flush() {
        output().flush();
    }

    /** The data path's way out to this server; made at its first use, when the pipeline is final (after TLS). */
    private SocketOutput output() {
        SocketOutput o = output;
        if (o == null) {
            o = SocketOutput.of(channel());
            output = o;
        }
        return o;
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
        } else if (requests.outstanding() > 0 || !tracker.isEmpty() || requests.batchOpen()) {
            // batchOpen: an extended batch without its Sync holds an implicit transaction (or, after an error, makes
            // the server ignore the next client's queries) that no ReadyForQuery has reported.
            close("client disconnected with query in progress");
        } else if (requests.transactionStatus() != TransactionStatus.IDLE) {
            close("client disconnected inside a transaction");
        } else {
            internal.reset(sessionStateUsed);
        }
    }

    /**
     * Back to the pool, unless this server must close (role change, dying, RECONNECT, lifetime) or wait for cancels.
     */
    void release(String reason) {
        if (!pool.group().targets().stillValid(target)) {
            close("host " + target.host() + ":" + target.port() + " changed role");
        } else if (relay.dying()) {
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
        if (cancelsInFlight == 0 && state == ServerState.CHECKING && !internal.isRunning()) {
            internal.absorbCancel();
        }
    }

    public @Nullable BackendKeyData backendKey() {
        return startup.backendKey();
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
        ErrorResponse loginError = startup.loginError();
        boolean neverLoggedIn = state == ServerState.CONNECTING || state == ServerState.AUTHENTICATING
                || (loginError != null);
        if (neverLoggedIn) {
            pool.group().targets().serverFailed(target);    // refused or failed login: a hint for role monitoring
        }
        startup.cancelTimeout();
        moveTo(ServerState.CLOSED, reason);
        log.info("{} closing because: {} (age={}s)", this, reason,
                (System.nanoTime() - createdNanos) / 1_000_000_000L);
        ClientSession c = client;
        client = null;
        if (c != null) {
            c.serverLost(reason);
        }
        InternalQuery pending = internal.abandon();
        if (channel != null && channel.isActive()) {
            if (!neverLoggedIn && requests.outstanding() == 0) {
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
        return requests.requestRunningNanos(now);
    }

    /** Nanoseconds idle inside a transaction (0 when not): idle_transaction_timeout. */
    public long idleInTransactionNanos(long now) {
        return requests.idleInTransactionNanos(now);
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
        return requests.transactionStatus();
    }

    public int outstanding() {
        return requests.outstanding();
    }

    InternalQueries internalQueries() {
        return internal;
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
