package io.tidepool.pooler.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tidepool.auth.AuthMethod;
import io.tidepool.auth.AuthStep;
import io.tidepool.auth.Credential;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.pooler.pool.PoolMode;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.backend.AuthenticationOk;
import io.tidepool.wire.backend.NegotiateProtocolVersion;
import io.tidepool.wire.backend.ParameterStatus;
import io.tidepool.wire.backend.ReadyForQuery;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.StartupMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The login phase of one client: takes it from its startup packets to ReadyForQuery, or to a refusal. SSLRequest,
 * GSSENCRequest and the TLS handshake; the StartupMessage (validation, max_client_conn, the pool or the admin
 * console); the method from auth_type or auth_hba_file (trust, any, plain, md5, SCRAM-SHA-256, cert, reject) with
 * auth_file or auth_query as the secret's source; the {@link LoginGuard}; and the welcome that PostgreSQL sends after
 * AuthenticationOk (ParameterStatus, BackendKeyData, ReadyForQuery).
 *
 * <p>Owned by one {@link ClientSession}, which hands it what arrives while its {@link ClientState} is a login state
 * ({@link ClientState#isLoggingIn()}) and calls {@link #complete} when the pool's first server login brings the
 * welcome. The session's {@code moveTo} stays the only place that changes the state. What login establishes goes back
 * through a few calls on the session, in this order: {@code identified} (the StartupMessage's request),
 * {@code slotTaken} (max_client_conn),
 * {@code joined} (pool or console), {@code authenticated} (cancel key, statement tracking), {@code loggedIn}. Once the
 * client is logged in the data path never comes through here.
 *
 * <p>Event-loop confined, like its session; SCRAM steps and auth_query lookups run on virtual threads and hand their
 * outcome back to the loop (DESIGN hot-path rule 4).
 */
final class ClientLogin {
    /** The session's logger: login lines keep the logger name operators filter on. */
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private final ClientSession session;
    private final ClientContext context;
    private @Nullable Pool pool;
    private @Nullable PasswordExchange passwordExchange;
    private @Nullable ScheduledFuture<?> loginTimeout;
    /** Counted in the LoginGuard's unauthenticated connections until AuthenticationOk or close. */
    private boolean guarded;
    private TlsNegotiation.@Nullable TlsInfo tls;
    private boolean unknownDatabase;
    private boolean quietClose;

    ClientLogin(ClientSession session, ClientContext context) {
        this.session = session;
        this.context = context;
    }

    /** The connection is up: enter the LoginGuard and start client_login_timeout. */
    void start(ChannelHandlerContext ctx) {
        if (!context.guard().tryEnter()) {
            session.disconnect(SqlState.TOO_MANY_CONNECTIONS, "too many connections in authentication");
            return;
        }
        guarded = true;
        long timeout = context.clientLoginTimeout().toMillis();
        if (timeout > 0) {
            loginTimeout = ctx.executor().schedule(() -> session.disconnect(SqlState.PROTOCOL_VIOLATION,
                    "client_login_timeout (server down or wrong password?)"), timeout, TimeUnit.MILLISECONDS);
        }
    }

    void onSslRequest(ChannelHandlerContext ctx) {
        if (TlsNegotiation.answerSslRequest(ctx, context.tls())) {
            session.moveTo(ClientState.TLS_HANDSHAKE, "SSLRequest accepted");
        }
    }

    void onGssEncRequest(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'), ctx.voidPromise());
    }

    void onTlsHandshake(SslHandshakeCompletionEvent done) {
        if (!done.isSuccess()) {
            session.disconnect(SqlState.PROTOCOL_VIOLATION, "TLS handshake failed: " + done.cause().getMessage());
        } else if (session.state() == ClientState.TLS_HANDSHAKE) {
            session.moveTo(ClientState.STARTUP, "TLS handshake done");
        }
    }

    void onStartup(StartupMessage message) {
        if (context.shutdown().inProgress()) {
            throw new ProtocolException(SqlState.CANNOT_CONNECT_NOW, "pooler is shutting down");
        }
        StartupRequest request = context.startup().validate(message);
        session.identified(request);
        tls = TlsNegotiation.inspect(session.channel());
        if (tls != null) {
            TlsNegotiation.requireAlpnIfDirect(tls);
        } else if (context.tls().required() && session.channel().remoteAddress() instanceof InetSocketAddress) {
            throw new ProtocolException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "SSL required");
        }
        AdminGateway admin = context.admin();
        boolean toConsole = admin != null && admin.isConsole(request.database());
        if (toConsole) {
            context.pools().limits().addConsoleClient();    // exempt from max_client_conn, as in PgBouncer (case 67)
        } else if (!context.pools().limits().tryAddClient()) {
            throw new ProtocolException(SqlState.TOO_MANY_CONNECTIONS, "no more connections allowed (max_client_conn)");
        }
        // Only now is there a slot for finish() to give back: the refusals above (SSL required, ALPN, a full pooler)
        // must not release one they never took, or the count drifts below the truth and max_client_conn with it.
        session.slotTaken();
        if (toConsole) {
            session.joinedConsole();                        // admin console hook: no pool; see authenticated()
        } else {
            if (context.pools().state(request.database()).isDisabled()) {
                // DISABLE db on the console (PgBouncer objects.c: the same text).
                throw new ProtocolException("database \"" + request.database() + "\" is disabled");
            }
            PoolGroup group = context.pools().groupFor(request.database(), request.user(),
                    context.readOnlyListener());
            if (group == null) {
                // Reported only after authentication (PgBouncer 1.15/1.17, RELIABILITY case 21): before it, an unknown
                // database must look exactly like a wrong password, or the pooler answers "which databases exist?".
                unknownDatabase = true;
            } else {
                Pool p = group.poolFor(session.channel().eventLoop());
                pool = p;
                session.joined(p);
            }
        }
        ClientParameters wantedParameters = session.parameters();
        // Keys are kept lower case (GUC names are case-insensitive): the per-link comparison then allocates nothing.
        request.parameters().forEach((name, value) -> wantedParameters.want(name.toLowerCase(java.util.Locale.ROOT),
                value));
        if (context.applicationNameAddHost()) {
            wantedParameters.want("application_name",
                    wantedParameters.wanted().getOrDefault("application_name", "") + " - " + session.peer());
        }
        if (context.logConnections()) {
            log.info("{} login attempt: db={} user={}", session, request.database(), request.user());
        }
        if (request.negotiateVersion()) {
            // PostgreSQL's answer to a newer minor version or unknown _pq_ options: once, before authentication. The
            // first word is the whole version code (PostgreSQL 15 sends 00 03 00 00; libpq 18 rejects a value below
            // 3.0 as "server requested downgrade to pre-3.0 protocol version").
            session.write(new NegotiateProtocolVersion(io.tidepool.wire.StartupCode.PROTOCOL_3_0,
                    request.unsupportedOptions()));
        }
        authenticate(request);
    }

    /** Chooses the method (auth_type or the hba line) and starts the exchange, or refuses the client. */
    private void authenticate(StartupRequest request) {
        ClientAuthenticator auth = context.authenticator();
        InetAddress address = session.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        AuthMethod method = auth.methodFor(request.database(), request.user(), address, tls != null);
        Credential credential = auth.credentialFor(request.user()).orElse(null);
        session.moveTo(ClientState.AUTHENTICATING, "auth method " + method.keyword());
        AuthQuery query = context.authQuery();
        if (credential == null && query != null && needsSecret(method)) {
            // Not in auth_file: ask the server (off the loop); reading pauses until the answer is back here.
            session.channel().config().setAutoRead(false);
            var loop = session.channel().eventLoop();
            query.lookup(request.database(), request.user()).whenComplete((found, error) -> loop.execute(() -> {
                if (session.isClosed()) {
                    return;
                }
                session.channel().config().setAutoRead(true);
                if (error != null) {
                    log.warn("{} auth_query failed: {}", session, error.toString());
                    session.disconnect(SqlState.SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION,
                            "authentication query failed");
                } else {
                    startMethod(method, request, address, found.orElse(null));
                }
            }));
            return;
        }
        startMethod(method, request, address, credential);
    }

    private void startMethod(AuthMethod method, StartupRequest request, @Nullable InetAddress address,
                             @Nullable Credential credential) {
        ClientAuthenticator auth = context.authenticator();
        switch (method) {
            case ANY -> authenticated();
            case TRUST -> {
                if (auth.authFileSet() && credential == null) {
                    refuseLogin(AuthStep.Fail.password(request.user(), "trust: user not in auth_file"));
                } else {
                    authenticated();
                }
            }
            case PASSWORD, MD5, SCRAM_SHA_256 -> {
                PasswordExchange exchange = new PasswordExchange(method, request.user(), credential,
                        tls == null || tls.serverEndPoint().length == 0 ? null : tls.serverEndPoint());
                passwordExchange = exchange;
                runAuthStep(exchange, exchange::start);
            }
            case REJECT -> refuseLogin(new AuthStep.Fail(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "pg_hba.conf rejects connection for host \"" + hostOf(address) + "\", user \"" + request.user()
                            + "\", database \"" + request.database() + "\", "
                            + (tls == null ? "no encryption" : "SSL encryption"), "hba reject"));
            case CERT -> applyAuthStep(TlsNegotiation.certificate(tls, request.user()));
            case PEER, HBA -> refuseLogin(new AuthStep.Fail(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "authentication method \"" + method.keyword() + "\" is not available for this connection",
                    "method unavailable"));
        }
    }

    private StartupRequest startupOrThrow() {
        StartupRequest s = session.startup();
        if (s == null) {
            throw new IllegalStateException(session + ": no startup packet");
        }
        return s;
    }

    private static boolean needsSecret(AuthMethod method) {
        return method == AuthMethod.PASSWORD || method == AuthMethod.MD5 || method == AuthMethod.SCRAM_SHA_256;
    }

    private static String hostOf(@Nullable InetAddress address) {
        return address == null ? "[local]" : address.getHostAddress();
    }

    /**
     * Runs one step of a password exchange. SCRAM steps may derive keys (PBKDF2), so they run on a virtual thread
     * and the outcome comes back to this loop (DESIGN hot-path rule 4); reading pauses meanwhile.
     */
    private void runAuthStep(PasswordExchange exchange, java.util.function.Supplier<AuthStep> step) {
        if (exchange.method() != AuthMethod.SCRAM_SHA_256) {
            AuthStep outcome;
            try {
                outcome = step.get();
            } catch (io.tidepool.auth.AuthenticationException e) {
                outcome = new AuthStep.Fail(e.sqlState(), e.getMessage(), e.getMessage());
            }
            applyAuthStep(outcome);
            return;
        }
        session.channel().config().setAutoRead(false);
        var loop = session.channel().eventLoop();
        Thread.ofVirtual().start(() -> {
            AuthStep outcome;
            try {
                outcome = step.get();
            } catch (ProtocolException | io.tidepool.auth.AuthenticationException e) {
                outcome = new AuthStep.Fail(SqlState.PROTOCOL_VIOLATION, e.getMessage(), e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} authentication step failed", session, e);
                outcome = new AuthStep.Fail(SqlState.INTERNAL_ERROR, "authentication failed", e.toString());
            }
            AuthStep result = outcome;
            loop.execute(() -> {
                if (!session.isClosed()) {
                    session.channel().config().setAutoRead(true);
                    applyAuthStep(result);
                }
            });
        });
    }

    private void applyAuthStep(AuthStep step) {
        switch (step) {
            case AuthStep.Send send -> {
                session.write(send.message());
                session.channel().flush();
            }
            case AuthStep.Done done -> {
                if (done.finalMessage() != null) {
                    session.write(done.finalMessage());
                }
                PasswordExchange exchange = passwordExchange;
                if (exchange != null && exchange.clientKey() != null && exchange.scramSecret() != null
                        && pool != null) {
                    pool.group().rememberScramKey(exchange.clientKey(), exchange.scramSecret());
                }
                passwordExchange = null;
                authenticated();
            }
            case AuthStep.Fail fail -> refuseLogin(fail);
        }
    }

    void onPasswordMessage(WireUnit unit) {
        PasswordExchange exchange = passwordExchange;
        if (exchange == null || !(unit instanceof io.tidepool.wire.Frame frame) || frame.type() != 'p') {
            ReferenceCountUtil.release(unit.content());
            throw new ProtocolException("expected a password response, got message '"
                    + io.tidepool.wire.Printable.typeChar(unit.type()) + "'");
        }
        // The step may run on another thread: the frame is released by whoever runs it.
        runAuthStep(exchange, () -> {
            try {
                return exchange.onMessage(frame);
            } finally {
                frame.release();
            }
        });
    }

    /**
     * Fails the login, after the growing per-address delay of {@link LoginGuard} (reading stops meanwhile, and the
     * connection still counts as unauthenticated, which is what slows a password-guessing loop down).
     */
    private void refuseLogin(AuthStep.Fail fail) {
        context.pools().metrics().authFailed();
        LoginGuard guard = context.guard();
        int suppressed = guard.logPermit();
        quietClose = suppressed < 0;                        // the close line is rate-limited with the failure line
        if (suppressed >= 0) {
            log.info("{} authentication failed: {}{}", session, fail.detail(),
                    suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
        }
        InetAddress address = session.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        long delay = guard.failed(address);
        if (delay <= 0) {
            session.disconnect(fail.sqlState(), fail.message());
            return;
        }
        session.channel().config().setAutoRead(false);
        if (loginTimeout != null) {
            loginTimeout.cancel(false);                     // the answer is decided; the delay is bounded
        }
        session.channel().eventLoop().schedule(() -> session.disconnect(fail.sqlState(), fail.message()), delay,
                TimeUnit.MILLISECONDS);
    }

    private void leaveGuard() {
        if (guarded) {
            guarded = false;
            context.guard().leave();
        }
    }

    /** The client proved who it is: AuthenticationOk, then the welcome now or after the first server login. */
    private void authenticated() {
        if (unknownDatabase) {
            session.disconnect(SqlState.INVALID_CATALOG_NAME, "no such database: " + startupOrThrow().database());
            return;
        }
        leaveGuard();
        if (session.isConsole()) {
            enterConsole();
            return;
        }
        Pool p = pool();
        session.authenticated();
        session.write(AuthenticationOk.INSTANCE);
        Map<String, String> welcome = p.welcome();
        if (welcome != null) {
            // PgBouncer's way: the login completes with the pool's cached server parameters, and a server is linked
            // at the first query. A client that connects and sits idle costs no server connection, and a client
            // library that connects synchronously (pgbench -C) cannot deadlock against the pool size.
            session.moveTo(ClientState.IDLE, "logged in");
            complete(welcome);
        } else {
            // The first client of a pool: its login waits for a server login, which teaches the pool the welcome.
            session.channel().flush();
            session.moveTo(ClientState.WAITING_FOR_SERVER,
                    "logged in, waiting for the pool's first server connection");
            p.acquire(session);
        }
    }

    /** Admin console hook: admin_users and stats_users get the console; anyone else "not allowed" (admin.c). */
    private void enterConsole() {
        AdminGateway admin = java.util.Objects.requireNonNull(context.admin(), "admin gateway");
        StartupRequest request = java.util.Objects.requireNonNull(session.startup(), "startup");
        if (!admin.mayEnter(request.user())) {
            refuseLogin(new AuthStep.Fail(SqlState.PROTOCOL_VIOLATION, "not allowed",
                    "user " + request.user() + " is neither in admin_users nor in stats_users"));
            return;
        }
        session.authenticated();
        session.write(AuthenticationOk.INSTANCE);
        session.moveTo(ClientState.IDLE, "logged in to the admin console");
        complete(admin.welcome());
        session.openConsole(admin, request.user());
    }

    /**
     * Sends what PostgreSQL sends after AuthenticationOk: every reported parameter (the client's own value where it
     * asked for one), our BackendKeyData, ReadyForQuery.
     */
    void complete(Map<String, String> serverParameters) {
        session.loggedIn();
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
        }
        ClientParameters wantedParameters = session.parameters();
        Map<String, String> asked = new java.util.HashMap<>();
        wantedParameters.wanted().forEach((name, value) -> asked.put(name.toLowerCase(java.util.Locale.ROOT), value));
        // Parameters replayed per client (the built-in five and track_extra_parameters): other reported parameters
        // are read-only (is_superuser, session_authorization...) or not the client's to carry.
        io.tidepool.pooler.server.TrackedParameters tracked = pool != null
                && pool.settings().poolMode() != PoolMode.SESSION ? pool.settings().trackedParameters() : null;
        serverParameters.forEach((name, value) -> {
            String key = name.toLowerCase(java.util.Locale.ROOT);
            session.write(new ParameterStatus(name, asked.getOrDefault(key, value)));
            if (tracked != null && tracked.contains(key) && !asked.containsKey(key)) {
                // What the client was told is what it relies on: a server whose value another client changed must be
                // set back before this client uses it (else A's SET TimeZone shows in B's session).
                wantedParameters.want(key, value);
            }
        });
        session.write(session.cancelKey());
        session.write(ReadyForQuery.IDLE);
        session.channel().flush();
        if (context.logConnections()) {
            log.info("{} login ok", session);
        }
    }

    /** The session closes: leave the LoginGuard if still counted there, and stop client_login_timeout. */
    void close() {
        leaveGuard();
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
        }
    }

    /** Whether the close line is suppressed, rate-limited together with the authentication failure line. */
    boolean quietClose() {
        return quietClose;
    }

    private Pool pool() {
        Pool p = pool;
        if (p == null) {
            throw new IllegalStateException(session + ": no pool");
        }
        return p;
    }
}
