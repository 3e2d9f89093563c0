package io.tidepool.pooler.pool;

import io.netty.channel.EventLoop;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.server.ServerConnection;
import io.tidepool.pooler.server.ServerState;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The server connections of one (database, user) on one event loop, and the clients of that loop waiting for one.
 *
 * <p>Algorithm (PgBouncer's objects.c with HikariCP's manners): idle servers are reused newest-first (LIFO: a warm
 * connection, and the rest age out under server_idle_timeout); waiting clients are served first-in first-out; a new
 * server is opened only while more clients wait than servers are being opened, and only after the
 * {@link PoolGroup} granted a slot. A server's state equals its list membership: {@link #track} is called by
 * {@link ServerConnection#moveTo} and is the only code that changes the lists.
 *
 * <p>Event-loop confined: every method runs on {@link #loop()} except the counts other loops read to share the
 * slots out ({@link #waitingCount()}, {@link #clientCount()}, {@link #serverCount()}, {@link #idleCount()}; volatile)
 * and {@link #requestDonation()}, which hands its work to the loop.
 */
public final class Pool {
    private final PoolGroup group;
    private final EventLoop loop;
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    private final Set<ServerConnection> servers = new LinkedHashSet<>();
    private final ArrayDeque<ClientSession> waiting = new ArrayDeque<>();
    private final Set<ClientSession> clients = new LinkedHashSet<>();
    private volatile int waitingCount;
    private volatile int idleCount;
    private volatile int clientCount;
    private volatile int serverCount;
    private final Runnable serveWaitersTask = this::serveWaiters;
    private final Runnable donateLaterTask = this::donateLater;
    private final Runnable donateIdleTask = this::donateIdle;
    /** How long a server must have been idle before it is closed for another loop's waiting clients. */
    static final long DONATE_AFTER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private boolean donationScheduled;
    /** A server is being closed for another loop ({@link #donate}): serverClosed leaves the slot to that loop. */
    private boolean donating;
    /** Servers still connecting (TCP): counted in {@link #serverCount} so that a loop opening one is not short. */
    private int connecting;
    private int opening;
    private long lastLoginFailureNanos;
    private @Nullable ErrorResponse lastLoginError;
    private @Nullable ServerTarget lastLoginTarget;
    private @Nullable Map<String, String> welcome;
    /** SHOW STATS totals of this loop's share of the pool (admin console / metrics, issue 7). */
    private final io.tidepool.pooler.metrics.PoolStats stats;

    Pool(PoolGroup group, EventLoop loop) {
        this.group = group;
        this.loop = loop;
        this.stats = new io.tidepool.pooler.metrics.PoolStats(group.timers());
    }

    /** This pool's running totals; event-loop confined like the pool. */
    public io.tidepool.pooler.metrics.PoolStats stats() {
        return stats;
    }

    public PoolKey key() {
        return group.key();
    }

    public PoolGroup group() {
        return group;
    }

    public EventLoop loop() {
        return loop;
    }

    public PoolSettings settings() {
        return group.settings();
    }

    /** The target for a new server connection, or null when none is usable (routed entry without a primary). */
    public @Nullable ServerTarget nextTarget() {
        return group.targets().next();
    }

    /** Closes idle servers whose host changed role, then serves waiters if a target is available again. */
    void revalidateTargets() {
        TargetSelector selector = group.targets();
        for (ServerConnection server : List.copyOf(idle)) {
            if (!selector.stillValid(server.target())) {
                server.close("host " + server.target().host() + ":" + server.target().port() + " changed role");
            }
        }
        openForWaiters();
    }

    /** The parameters the last server login reported: what a client is told at login. Null before the first. */
    public @Nullable Map<String, String> welcome() {
        return welcome;
    }

    /** A server finished logging in: its reported parameters become the pool's welcome. */
    public void rememberWelcome(Map<String, String> parameters) {
        welcome = parameters.isEmpty() ? null
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }

    /** Clients waiting on this loop; read by other loops to steer freed slots. */
    public int waitingCount() {
        return waitingCount;
    }

    public void addClient(ClientSession client) {
        clients.add(client);
        clientCount = clients.size();
    }

    public void removeClient(ClientSession client) {
        clients.remove(client);
        clientCount = clients.size();
        if (waiting.remove(client)) {
            waitingCount = waiting.size();
        }
    }

    /** Links {@code client} to an idle server now, or queues it and opens a server if allowed. */
    public void acquire(ClientSession client) {
        assert loop.inEventLoop();
        if (group.isPaused()) {
            // PAUSE (admin console): the client waits in the queue until RESUME; query_wait_timeout still applies.
            waiting.addLast(client);
            waitingCount = waiting.size();
            return;
        }
        ServerConnection server = idle.peekFirst();
        if (server != null && waiting.isEmpty()) {
            server.link(client);
            return;
        }
        if (server != null) {
            // A server went idle in this read batch and serveWaiters is queued to give it to the oldest waiter
            // (track queues it whenever a server goes idle with clients waiting): a newcomer takes its turn behind
            // them. First come, first served keeps the latency tail short (p99 at 200 clients: 113 -> 33 ms).
            waiting.addLast(client);
            waitingCount = waiting.size();
            return;
        }
        ErrorResponse failure = recentLoginFailure();
        if (failure != null && !waitsForRole(failure)) {
            client.serverUnavailable(failure);
            return;
        }
        waiting.addLast(client);
        waitingCount = waiting.size();
        openForWaiters();
    }

    /** Opens servers while more clients wait than servers are being opened, within the group's limits. */
    public void openForWaiters() {
        assert loop.inEventLoop();
        if (recentLoginFailure() != null) {
            return;
        }
        if (group.isPaused()) {
            closeIdle("database paused");
            return;
        }
        if (!waiting.isEmpty() && !idle.isEmpty()) {
            serveWaiters();                                 // after RESUME idle servers and waiters may both exist
        }
        while (opening < waiting.size()) {
            ServerTarget target = nextTarget();
            if (target == null) {
                return;                 // no usable host (no primary yet): clients wait, bounded by their timeout
            }
            if (!group.tryReserve(reserveAllowed())) {
                break;
            }
            opening++;
            connecting++;
            serverCount = servers.size() + connecting;
            ServerConnection.open(this, target);
        }
        if (opening < waiting.size()) {
            // At the limit: idle servers on other loops are no use to our clients; ask for their slots.
            group.reclaimIdle(this);
        }
    }

    /**
     * Another loop has clients waiting and no slot: close our longest-idle server, unless our own clients wait or it
     * has been idle for less than {@link #DONATE_AFTER_IDLE_NANOS}; then try again once it would have been.
     *
     * <p>Why the delay: under steady load both loops have waiters most of the time, and a server that is idle for
     * the microseconds between two of this loop's transactions, or for the few milliseconds a busy machine leaves the
     * clients unscheduled, is not a spare one. Closing it would make the other
     * loop open a new one (a backend fork and login) and this loop open another a moment later: measured before
     * the delay, pgbench -c 50 onto a pool of 20 churned 4 server connections a second and halved the throughput.
     */
    void donateIdle() {
        if (!waiting.isEmpty() || idle.isEmpty()) {
            return;
        }
        long idleFor = System.nanoTime() - idle.peekLast().idleSinceNanos();
        if (idleFor >= DONATE_AFTER_IDLE_NANOS) {
            donate(idle.peekLast(), "");
        } else if (!donationScheduled) {
            donationScheduled = true;
            loop.schedule(donateLaterTask, DONATE_AFTER_IDLE_NANOS - idleFor, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Closes {@code server} so that another loop can open one: its slot must not be taken back by this loop's own
     * waiters (serverClosed would otherwise reopen at once, before the other loop's task runs).
     */
    private void donate(ServerConnection server, String why) {
        donating = true;
        try {
            server.close("idle server closed so that another event loop can open one for its waiting clients" + why);
        } finally {
            donating = false;
        }
    }

    /** Runs {@link #donateIdle} on this pool's loop; callable from any thread. */
    void requestDonation() {
        loop.execute(donateIdleTask);
    }

    private void donateLater() {
        donationScheduled = false;
        if (group.othersWaiting(this)) {
            donateIdle();
        }
    }

    /** Reserve slots are used once the oldest waiter has waited reserve_pool_timeout. */
    private boolean reserveAllowed() {
        ClientSession oldest = waiting.peekFirst();
        PoolSettings s = settings();
        return oldest != null && s.reservePoolSize() > 0
                && System.nanoTime() - oldest.waitStartNanos() >= s.reservePoolTimeout().toNanos();
    }

    /** Gives idle servers to waiting clients; called whenever a server becomes idle. */
    private void serveWaiters() {
        if (group.isPaused()) {
            // PAUSE disconnects from the servers once their transactions are done (PgBouncer usage: PAUSE).
            closeIdle("database paused");
            return;
        }
        if (!idle.isEmpty() && group.holdsMoreThanItsShare(this)) {
            // Another loop's clients wait with fewer servers than their share: this slot goes there.
            donate(idle.peekFirst(), " (rebalancing the pool between event loops)");
        }
        while (!idle.isEmpty() && !waiting.isEmpty()) {
            ClientSession client = waiting.pollFirst();
            waitingCount = waiting.size();
            idle.peekFirst().link(client);
        }
        if (waiting.isEmpty() && group.othersWaiting(this)) {
            donateIdle();
        }
    }

    /**
     * Keeps the lists equal to the servers' states. Called only from {@link ServerConnection#moveTo}.
     */
    public void track(ServerConnection server, ServerState from, ServerState to) {
        assert loop.inEventLoop();
        if (from == ServerState.CONNECTING) {
            connecting--;
            if (to != ServerState.CLOSED) {
                servers.add(server);
            }
        }
        if (from == ServerState.IDLE) {
            idle.remove(server);
        }
        boolean wasOpening = from == ServerState.CONNECTING || from == ServerState.AUTHENTICATING;
        boolean isOpening = to == ServerState.CONNECTING || to == ServerState.AUTHENTICATING;
        if (wasOpening && !isOpening) {
            opening--;
        }
        idleCount = idle.size() + (to == ServerState.IDLE ? 1 : 0);
        switch (to) {
            case IDLE -> {
                idle.addFirst(server);
                if (!waiting.isEmpty()) {
                    loop.execute(serveWaitersTask);     // after the current transition has finished
                } else if (group.holdsMoreThanItsShare(this)) {
                    loop.execute(serveWaitersTask);
                } else if (!donationScheduled && group.othersWaiting(this)) {
                    donationScheduled = true;           // donateLater re-checks once the transition has finished
                    loop.execute(donateLaterTask);
                }
            }
            case CLOSED -> servers.remove(server);
            default -> {
            }
        }
        serverCount = servers.size() + connecting;
    }

    /** A server of this pool closed; {@code loginError} is set when it never finished logging in. */
    public void serverClosed(ServerConnection server, @Nullable ErrorResponse loginError) {
        group.release(this);
        if (loginError != null) {
            lastLoginFailureNanos = System.nanoTime();
            lastLoginError = loginError;
            lastLoginTarget = server.target();
            if (waitsForRole(loginError)) {
                // A routed host that cannot be reached is probably failing over: the role monitor re-checks it now
                // (serverFailed) and the clients wait for the next primary, bounded by failover_wait_timeout.
                return;
            }
            // Nothing will serve the queue until server_login_retry has passed: tell the clients now, never hang them.
            List<ClientSession> failed = new ArrayList<>(waiting);
            waiting.clear();
            waitingCount = 0;
            failed.forEach(client -> client.serverUnavailable(loginError));
            return;
        }
        if (!donating) {
            openForWaiters();
        }
    }

    /**
     * The login failure that still blocks new server connections (server_login_retry), if any. It blocks only while
     * the pool would connect to the same host again: once a routed pool's target moved on (a new primary), that host
     * deserves its own try at once.
     */
    private @Nullable ErrorResponse recentLoginFailure() {
        ErrorResponse error = lastLoginError;
        if (error == null) {
            return null;
        }
        if (System.nanoTime() - lastLoginFailureNanos < settings().serverLoginRetry().toNanos()
                && (!waitsForRole(error) || java.util.Objects.equals(lastLoginTarget, group.targets().next()))) {
            return error;
        }
        lastLoginError = null;
        lastLoginTarget = null;
        return null;
    }

    /**
     * Whether clients keep waiting after this login failure instead of getting it: a routed pool (one with a
     * failover_wait_timeout) whose host refused or dropped the connection (class 08) or is shutting down or starting
     * up (57P03). Errors such as a wrong password are still relayed at once.
     */
    private boolean waitsForRole(ErrorResponse error) {
        return group.targets().unavailableTimeout().isPositive()
                && (error.code().startsWith("08") || error.code().equals("57P03"));
    }

    /** The configuration changed: a bigger pool may serve more waiters now. */
    void settingsChanged() {
        openForWaiters();
    }

    /**
     * Periodic maintenance (PgBouncer's janitor): wait timeouts, reserve pool, idle and lifetime limits,
     * min_pool_size.
     */
    public void maintain(long now) {
        PoolSettings s = settings();
        long waitTimeout = s.queryWaitTimeout().toNanos();
        if (waitTimeout > 0) {
            while (!waiting.isEmpty() && now - waiting.peekFirst().waitStartNanos() >= waitTimeout) {
                ClientSession client = waiting.pollFirst();
                waitingCount = waiting.size();
                client.disconnect(SqlState.PROTOCOL_VIOLATION, "query_wait_timeout");
            }
        }
        long unavailable = group.targets().unavailableTimeout().toNanos();
        if (unavailable > 0 && !waiting.isEmpty() && (nextTarget() == null || recentLoginFailure() != null)) {
            // Fail closed (promise P1): no usable host (no primary) within failover_wait_timeout.
            while (!waiting.isEmpty() && now - waiting.peekFirst().waitStartNanos() >= unavailable) {
                ClientSession client = waiting.pollFirst();
                waitingCount = waiting.size();
                client.disconnect(SqlState.CONNECTION_FAILURE,
                        "no server available for " + key()
                                + " within failover_wait_timeout: no reachable host has the required role");
            }
        }
        openForWaiters();
        if (s.queryTimeout().toNanos() > 0 || s.idleTransactionTimeout().toNanos() > 0
                || s.clientIdleTimeout().toNanos() > 0) {
            for (ClientSession client : List.copyOf(clients)) {
                client.checkTimeouts(now, s);
            }
        }
        for (ServerConnection server : List.copyOf(idle)) {
            if (server.idleTooLong(now) || server.livedTooLong(now)) {
                server.close(server.livedTooLong(now) ? "server lifetime over" : "server idle timeout");
            }
        }
        ServerTarget target = nextTarget();
        if (target != null && !group.isPaused() && servers.size() < s.minPoolSize() && group.isHome(this)
                && recentLoginFailure() == null
                && opening == 0 && group.tryReserve(false)) {
            opening++;
            connecting++;
            serverCount = servers.size() + connecting;
            ServerConnection.open(this, target);
        }
    }

    public List<ServerConnection> servers() {
        return List.copyOf(servers);
    }

    public List<ClientSession> clients() {
        return List.copyOf(clients);
    }

    public List<ClientSession> waitingClients() {
        return Collections.unmodifiableList(new ArrayList<>(waiting));
    }

    // ---- admin console (issue 7) -------------------------------------------------------------------------------

    /** Closes every idle server of this loop (PAUSE, RECONNECT). */
    public void closeIdle(String reason) {
        for (ServerConnection server : List.copyOf(idle)) {
            server.close(reason);
        }
    }

    /** RECONNECT: idle servers close now, the others when their client releases them (PgBouncer close_needed). */
    public void reconnect() {
        for (ServerConnection server : List.copyOf(servers)) {
            server.markCloseNeeded();
        }
        closeIdle("reconnect requested by admin");
    }

    /** KILL: every client and server of this loop's pool, immediately. */
    public void killAll(String reason) {
        for (ClientSession client : List.copyOf(clients)) {
            client.disconnect(SqlState.ADMIN_SHUTDOWN, reason);
        }
        for (ServerConnection server : List.copyOf(servers)) {
            server.close(reason);
        }
    }

    /** Clients of this pool on this loop; read by other loops to share the slots out. */
    int clientCount() {
        return clientCount;
    }

    /** Server connections of this pool on this loop, from the moment they are opened until closed; read by others. */
    int serverCount() {
        return serverCount;
    }

    /** Idle servers on this loop; read by other loops looking for a slot to reclaim. */
    public int idleCount() {
        return idleCount;
    }
}
