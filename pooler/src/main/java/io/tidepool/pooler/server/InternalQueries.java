package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolMode;
import io.tidepool.wire.Frame;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.backend.ParameterStatus;
import io.tidepool.wire.backend.ReadyForQuery;
import io.tidepool.wire.backend.TransactionStatus;
import io.tidepool.wire.frontend.Query;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The queries one server connection runs on the pooler's behalf, one at a time, while {@link ServerState#CHECKING}
 * or {@link ServerState#RESETTING}: server_check_query and the parameter sync before a link (one round trip for
 * both), server_reset_query when a client leaves, and the empty query that absorbs a late cancel. Their rows are
 * dropped; the outcome is the first ErrorResponse, or none, at ReadyForQuery ({@link InternalQuery}).
 *
 * <p>Owned by one {@link ServerConnection}; every state change goes through its {@code moveTo}, and every exit through
 * its {@code close} or {@code release}. Off the data path: a link that needs neither check nor sync goes straight to
 * {@link ServerConnection#linkNow}. Event-loop confined, like its connection.
 */
final class InternalQueries {
    private final ServerConnection server;
    private final Pool pool;
    private final ServerParameters parameters;
    private final RequestAccounting requests;
    private @Nullable InternalQuery running;

    InternalQueries(ServerConnection server, Pool pool, ServerParameters parameters, RequestAccounting requests) {
        this.server = server;
        this.pool = pool;
        this.parameters = parameters;
        this.requests = requests;
    }

    /** Sends {@code sql} as a simple Query; {@code onDone} gets its first error, or null, at ReadyForQuery. */
    void run(String sql, Consumer<@Nullable ErrorResponse> onDone) {
        running = new InternalQuery(sql, onDone);
        requests.internalSent();
        Channel channel = server.channel();
        ByteBuf out = channel.alloc().buffer(16 + sql.length());
        new Query(sql).encode(out);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /** Whether one of the pooler's queries is waiting for its ReadyForQuery. */
    boolean isRunning() {
        return running != null;
    }

    /** The query waiting for its ReadyForQuery, now abandoned (the connection is closing); its owner completes it. */
    @Nullable InternalQuery abandon() {
        InternalQuery pending = running;
        running = null;
        return pending;
    }

    /** A message from the server while CHECKING or RESETTING. */
    void onMessage(WireUnit unit) {
        InternalQuery query = running;
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
                requests.internalReady(ReadyForQuery.decode(frame.body()).status());
                running = null;
                query.complete();
            }
            default -> {
                // Rows, CommandComplete, notices of the pooler's own query: nobody wants them.
            }
        }
    }

    /**
     * Gives the idle server to {@code c}: after a health check (server_check_delay) and the parameter sync, if
     * either is needed, in one round trip; then {@link ServerConnection#linkNow}.
     */
    void link(ClientSession c) {
        var settings = pool.settings();
        long checkDelay = settings.serverCheckDelay().toNanos();
        String checkQuery = settings.serverCheckQuery();
        boolean check = checkQuery != null
                && (checkDelay == 0 || System.nanoTime() - server.idleSinceNanos() >= checkDelay);
        Map<String, String> wanted = c.canonicalParameters();
        ParameterSync.Plan plan = parameters.knownToMatch(wanted) ? null : ParameterSync.plan(wanted, parameters);
        if (plan == null) {
            parameters.matched(wanted);
        }
        if (!check && plan == null) {
            server.linkNow(c);
            return;
        }
        String sql = (check ? checkQuery : "")
                + (plan == null ? "" : (check && !checkQuery.isEmpty() ? ";" : "") + plan.sql());
        server.moveTo(ServerState.CHECKING, check ? "server check" : "parameter sync");
        run(sql, error -> {
            if (server.state() == ServerState.CLOSED) {
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
                server.close("server check failed: " + error.message());
                if (!c.isClosed()) {
                    pool.acquire(c);
                }
            } else if (c.isClosed()) {
                server.moveTo(ServerState.IDLE, "client left during server check");
            } else if (error != null) {
                server.moveTo(ServerState.IDLE, "parameter sync failed");
                c.linkFailed(error);
            } else {
                server.linkNow(c);
            }
        });
    }

    /** The client left cleanly: server_reset_query when the pool mode or the session's use of state needs it. */
    void reset(boolean sessionStateUsed) {
        var settings = pool.settings();
        boolean resetNeeded = settings.poolMode() == PoolMode.SESSION
                || settings.serverResetQueryAlways() || sessionStateUsed;
        if (!resetNeeded || settings.serverResetQuery().isBlank()) {
            server.release("client left");
            return;
        }
        server.moveTo(ServerState.RESETTING, "running server_reset_query");
        run(settings.serverResetQuery(), error -> {
            if (server.state() == ServerState.CLOSED) {
                return;
            }
            if (error != null || requests.transactionStatus() != TransactionStatus.IDLE) {
                server.close("server_reset_query failed: " + (error == null ? "not idle" : error.message()));
            } else {
                parameters.forgetApplied();
                server.statements().clear();              // DISCARD ALL deallocated them
                server.release("reset done");
            }
        });
    }

    /**
     * The last cancel sent for this server's previous client finished. PostgreSQL signals the backend before it
     * closes the cancel connection, but the backend may act on the signal only when it next runs: at the start of the
     * next client's query (seen under load). An empty query of our own absorbs such a pending cancel before anyone
     * else gets this connection.
     */
    void absorbCancel() {
        run("", error -> {
            if (server.state() == ServerState.CHECKING) {
                server.moveTo(ServerState.IDLE, "cancel requests finished");
            }
        });
    }
}
