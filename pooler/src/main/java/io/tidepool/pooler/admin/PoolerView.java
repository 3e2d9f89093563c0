package io.tidepool.pooler.admin;

import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.client.ClientState;
import io.tidepool.pooler.client.StartupRequest;
import io.tidepool.pooler.metrics.PoolFigures;
import io.tidepool.pooler.metrics.StatsTotals;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.pooler.pool.PoolManager;
import io.tidepool.pooler.server.ServerConnection;
import io.tidepool.pooler.server.ServerState;
import org.jspecify.annotations.Nullable;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One consistent-per-loop reading of every pool: counts by state, the client and server sockets, and the statistics
 * totals. Each pool is read by a task on its own event loop (pools are loop-confined), and the answers are combined
 * here; so this must run off the event loops (the console's virtual thread, the metrics HTTP thread). Immutable.
 */
public record PoolerView(List<PoolRow> pools, List<SocketRow> clients, List<SocketRow> servers) {
    private static final long TIMEOUT_SECONDS = 5;

    /** One (database, user) pool summed over the loops: SHOW POOLS figures plus SHOW STATS totals. */
    public record PoolRow(String database, String user, int clActive, int clWaiting, int svActive, int svIdle,
                          int svUsed, int svTested, int svLogin, long maxWaitNanos, String poolMode,
                          StatsTotals totals) {
        PoolRow plus(PoolRow o) {
            return new PoolRow(database, user, clActive + o.clActive, clWaiting + o.clWaiting,
                    svActive + o.svActive, svIdle + o.svIdle, svUsed + o.svUsed, svTested + o.svTested,
                    svLogin + o.svLogin, Math.max(maxWaitNanos, o.maxWaitNanos), poolMode, totals.plus(o.totals));
        }

        public PoolFigures figures() {
            return new PoolFigures(database, user, clActive, clWaiting, svActive, svIdle, svUsed, svTested, svLogin,
                    maxWaitNanos / 1e9, totals);
        }
    }

    /**
     * One client or server socket as SHOW CLIENTS/SERVERS prints it.
     *
     * @param state PgBouncer's state word (active, idle, waiting / active, idle, used, tested, new)
     * @param list  PgBouncer's list name for SHOW SOCKETS (cl_active, sv_idle, ...)
     */
    public record SocketRow(char type, String user, String database, String state, String list, String addr,
                            int port, String localAddr, int localPort, long connectEpochMicros,
                            long requestEpochMicros, long waitNanos, boolean closeNeeded, String ptr, String link,
                            int remotePid, String applicationName, long id) {
    }

    /** Reads every pool of {@code manager}, plus the console's own clients. */
    public static PoolerView read(PoolManager manager, Collection<ClientSession> consoleClients) {
        List<Future<Part>> parts = new ArrayList<>();
        for (PoolGroup group : manager.groups()) {
            for (Pool pool : group.pools()) {
                parts.add(pool.loop().submit(() -> Part.of(pool)));
            }
        }
        for (ClientSession console : consoleClients) {
            if (!console.isClosed()) {
                parts.add(console.channel().eventLoop().submit(() -> Part.ofConsole(console)));
            }
        }
        Map<String, PoolRow> pools = new LinkedHashMap<>();
        List<SocketRow> clients = new ArrayList<>();
        List<SocketRow> servers = new ArrayList<>();
        for (Future<Part> future : parts) {
            Part part;
            try {
                part = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminException(io.tidepool.wire.error.SqlState.QUERY_CANCELED, "interrupted");
            } catch (Exception e) {
                throw new AdminException(io.tidepool.wire.error.SqlState.INTERNAL_ERROR,
                        "reading the pools failed: " + e);
            }
            if (part.pool != null) {
                pools.merge(part.pool.database() + "\u0000" + part.pool.user(), part.pool, PoolRow::plus);
            }
            clients.addAll(part.clients);
            servers.addAll(part.servers);
        }
        clients.sort((a, b) -> Long.compare(a.id(), b.id()));
        servers.sort((a, b) -> Long.compare(a.id(), b.id()));
        return new PoolerView(List.copyOf(pools.values()), List.copyOf(clients), List.copyOf(servers));
    }

    /** Totals per database (SHOW STATS is per database, summed over users). */
    public Map<String, StatsTotals> totalsByDatabase() {
        Map<String, StatsTotals> totals = new LinkedHashMap<>();
        for (PoolRow row : pools) {
            if (!row.database().equals(AdminService.CONSOLE_DATABASE)) {
                totals.merge(row.database(), row.totals(), StatsTotals::plus);
            }
        }
        return totals;
    }

    /** What one loop knows about one pool. */
    private record Part(@Nullable PoolRow pool, List<SocketRow> clients, List<SocketRow> servers) {
        static Part of(Pool pool) {
            long now = System.nanoTime();
            int clActive = 0;
            int clWaiting = 0;
            long maxWait = 0;
            List<SocketRow> clients = new ArrayList<>();
            for (ClientSession c : pool.clients()) {
                ClientState s = c.state();
                if (s == ClientState.WAITING_FOR_SERVER) {
                    clWaiting++;
                    maxWait = Math.max(maxWait, now - c.waitStartNanos());
                } else if (s == ClientState.IDLE || s == ClientState.LINKED) {
                    clActive++;
                } else {
                    continue;                               // logging in or leaving: not in PgBouncer's pool lists
                }
                clients.add(clientRow(c, now));
            }
            int[] byState = new int[ServerState.values().length];
            List<SocketRow> servers = new ArrayList<>();
            for (ServerConnection s : pool.servers()) {
                byState[s.state().ordinal()]++;
                servers.add(serverRow(s, now));
            }
            PoolRow row = new PoolRow(pool.key().database(), pool.key().user(), clActive, clWaiting,
                    byState[ServerState.LINKED.ordinal()], byState[ServerState.IDLE.ordinal()],
                    byState[ServerState.RESETTING.ordinal()], byState[ServerState.CHECKING.ordinal()],
                    byState[ServerState.CONNECTING.ordinal()] + byState[ServerState.AUTHENTICATING.ordinal()],
                    maxWait, pool.settings().poolMode().configName(), pool.stats().snapshot());
            return new Part(row, clients, servers);
        }

        static Part ofConsole(ClientSession console) {
            return new Part(null, List.of(clientRow(console, System.nanoTime())), List.of());
        }
    }

    private static SocketRow clientRow(ClientSession c, long now) {
        StartupRequest startup = c.startup();
        ServerConnection server = c.linkedServer();
        String state = switch (c.state()) {
            case LINKED -> "active";
            case WAITING_FOR_SERVER -> "waiting";
            default -> "idle";
        };
        String list = c.state() == ClientState.WAITING_FOR_SERVER ? "cl_waiting" : "cl_active";
        long wait = c.state() == ClientState.WAITING_FOR_SERVER ? now - c.waitStartNanos() : 0;
        String app = c.wantedParameters().getOrDefault("application_name", "");
        return new SocketRow('C', startup == null ? "(nouser)" : startup.user(),
                startup == null ? "(nodb)" : startup.database(), state, list, host(c.channel().remoteAddress()),
                port(c.channel().remoteAddress()), host(c.channel().localAddress()), port(c.channel().localAddress()),
                epochMicros(c.connectedNanos(), now), epochMicros(Math.max(c.connectedNanos(), c.waitStartNanos()), now),
                wait, false, "c" + c.id(), server == null ? "" : "s" + server.id(), 0, app, c.id());
    }

    private static SocketRow serverRow(ServerConnection s, long now) {
        String state = switch (s.state()) {
            case LINKED -> "active";
            case IDLE -> "idle";
            case RESETTING -> "used";
            case CHECKING -> "tested";
            case CONNECTING, AUTHENTICATING, CLOSED -> "new";
        };
        String list = switch (s.state()) {
            case LINKED -> "sv_active";
            case IDLE -> "sv_idle";
            case RESETTING -> "sv_used";
            case CHECKING -> "sv_tested";
            case CONNECTING, AUTHENTICATING, CLOSED -> "sv_login";
        };
        ClientSession client = s.client();
        boolean connected = s.state() != ServerState.CONNECTING;
        SocketAddress remote = connected ? s.channel().remoteAddress() : null;
        SocketAddress local = connected ? s.channel().localAddress() : null;
        var key = s.backendKey();
        return new SocketRow('S', s.target().user(), s.pool().key().database(), state, list,
                remote == null ? s.target().host() : host(remote), remote == null ? s.target().port() : port(remote),
                host(local), port(local), epochMicros(s.createdNanos(), now),
                epochMicros(Math.max(s.createdNanos(), s.linkedSinceNanos()), now), 0, s.closeNeeded(),
                "s" + s.id(), client == null ? "" : "c" + client.id(), key == null ? 0 : key.processId(), "",
                s.id());
    }

    private static String host(@Nullable SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return address == null ? "" : "unix";
    }

    private static int port(@Nullable SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getPort() : 0;
    }

    /** A {@code System.nanoTime} instant as wall-clock microseconds since the epoch. */
    private static long epochMicros(long nanos, long now) {
        long wallMicros = System.currentTimeMillis() * 1000;
        return wallMicros - (now - nanos) / 1000;
    }
}
