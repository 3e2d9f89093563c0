package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.tidepool.auth.AuthenticationException;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.wire.Frame;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.backend.Authentication;
import io.tidepool.wire.backend.BackendKeyData;
import io.tidepool.wire.backend.ControlMessages;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.backend.NegotiateProtocolVersion;
import io.tidepool.wire.backend.NoticeResponse;
import io.tidepool.wire.backend.ParameterStatus;
import io.tidepool.wire.backend.ReadyForQuery;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import java.util.concurrent.TimeUnit;

/**
 * The login phase of one server connection, from the TCP connection to the first ReadyForQuery: optional TLS
 * ({@link ServerTls}), the StartupMessage and the authentication exchange ({@link ServerLogin}, which does the bytes),
 * server_connect_timeout, the welcome (ParameterStatus, BackendKeyData), then connect_query if configured. It keeps
 * why a login failed, which the connection hands to the pool when it closes (the waiting clients get that error).
 *
 * <p>Owned by one {@link ServerConnection}, which calls {@link #begin} when the channel is active and
 * {@link #onMessage} for each frame while {@link ServerState#AUTHENTICATING}; state changes go through the
 * connection's {@code moveTo}, failures through its {@code close}. Event-loop confined, like its connection.
 */
final class ServerStartup {
    private final ServerConnection server;
    private final Pool pool;
    private final ServerTarget target;
    private final ServerLogin login;
    private @Nullable BackendKeyData backendKey;
    private @Nullable ErrorResponse loginError;
    private @Nullable ScheduledFuture<?> loginTimeout;

    ServerStartup(ServerConnection server, Pool pool, ServerTarget target) {
        this.server = server;
        this.pool = pool;
        this.target = target;
        this.login = new ServerLogin(target, pool.group().scramPassThrough());
    }

    /** The connection is up (state AUTHENTICATING): starts server_connect_timeout, then TLS or the StartupMessage. */
    void begin(ChannelHandlerContext ctx) {
        long timeout = pool.settings().serverConnectTimeout().toMillis();
        if (timeout > 0) {
            loginTimeout = ctx.executor().schedule(() -> {
                fail(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                        "server login timed out (server_connect_timeout)", "login timed out");
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
                if (server.state() == ServerState.AUTHENTICATING) {
                    login.tlsServerEndPoint(tlsServerEndPoint);
                    sendStartup(ctx);
                }
            }

            @Override
            public void fail(String reason) {
                ServerStartup.this.fail(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, reason, reason);
            }
        });
    }

    private void sendStartup(ChannelHandlerContext ctx) {
        ByteBuf startup = ctx.alloc().buffer(128);
        login.startupMessage().encode(startup);
        ctx.writeAndFlush(startup, ctx.voidPromise());
    }

    /** A frame from the server while AUTHENTICATING. */
    void onMessage(ChannelHandlerContext ctx, Frame frame) {
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
                    fail(e.sqlState(), e.getMessage(), "login failed: " + e.getMessage());
                }
            }
            case ErrorResponse error -> {
                loginError = error;
                server.close("login failed: " + error.code() + " " + error.message());
            }
            case ParameterStatus(var name, var value) -> {
                server.parameters().reported(name, value);
                if (name.equals("in_hot_standby")) {
                    pool.group().targets().serverReported(target, name, value);
                }
            }
            case BackendKeyData key -> backendKey = key;
            case ReadyForQuery ready -> loggedIn();
            case NegotiateProtocolVersion negotiation ->
                    throw new ProtocolException("unexpected NegotiateProtocolVersion for protocol 3.0");
        }
    }

    private void loggedIn() {
        if (!login.isDone()) {
            throw new ProtocolException("ReadyForQuery before AuthenticationOk");
        }
        cancelTimeout();
        pool.rememberWelcome(server.parameters().reported());
        String connectQuery = pool.settings().connectQuery();
        if (connectQuery.isEmpty()) {
            server.moveTo(ServerState.IDLE, "login complete");
            return;
        }
        server.moveTo(ServerState.CHECKING, "running connect_query");
        server.internalQueries().run(connectQuery, error -> {
            if (server.state() == ServerState.CLOSED) {
                return;
            }
            if (error != null) {
                loginError = error;
                server.close("connect_query failed: " + error.message());
            } else {
                server.moveTo(ServerState.IDLE, "login complete");
            }
        });
    }

    /** Login cannot go on: remembers the error the pool hands to waiting clients, and closes the connection. */
    void fail(SqlState code, String message, String closeReason) {
        loginError = ErrorResponse.fatal(code, message);
        server.close(closeReason);
    }

    void cancelTimeout() {
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
        }
    }

    /** Why login failed (the server's error, or one of ours), or null. */
    @Nullable ErrorResponse loginError() {
        return loginError;
    }

    @Nullable BackendKeyData backendKey() {
        return backendKey;
    }
}
