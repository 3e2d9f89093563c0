package io.tidepool.pooler.admin;

import io.tidepool.pooler.config.Config;
import io.tidepool.pooler.config.DatabaseEntry;
import io.tidepool.pooler.config.Keys;
import io.tidepool.pooler.config.Setting;
import io.tidepool.pooler.config.Settings;
import io.tidepool.pooler.config.UserSettings;
import io.tidepool.pooler.metrics.StatsTotals;
import io.tidepool.pooler.pool.DatabaseState;
import io.tidepool.pooler.pool.PoolManager;
import io.tidepool.wire.error.SqlState;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the result set of each SHOW command from the configuration and a {@link PoolerView}, with the columns of
 * {@link ShowCommand}. Runs on the console's virtual thread; stateless apart from what it is given.
 */
final class ShowTables {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz")
            .withZone(ZoneId.systemDefault());
    static final String HELP = """
            
            \tSHOW HELP|CONFIG|DATABASES|POOLS|CLIENTS|SERVERS|USERS|VERSION
            \tSHOW PEERS|PEER_POOLS
            \tSHOW FDS|SOCKETS|ACTIVE_SOCKETS|LISTS|MEM|STATE
            \tSHOW DNS_HOSTS|DNS_ZONES
            \tSHOW HOSTS|VRRP (Tidepool)
            \tSHOW STATS|STATS_TOTALS|STATS_AVERAGES|TOTALS
            \tSET key = arg
            \tRELOAD
            \tPAUSE [<db>]
            \tRESUME [<db>]
            \tDISABLE <db>
            \tENABLE <db>
            \tRECONNECT [<db>]
            \tREADMIT <host:port> (Tidepool)
            \tKILL [<db>]
            \tKILL_CLIENT <client_id>
            \tSUSPEND (not supported)
            \tSHUTDOWN
            \tSHUTDOWN WAIT_FOR_SERVERS|WAIT_FOR_CLIENTS
            \tWAIT_CLOSE [<db>]""";

    private final PoolerControl control;
    private final Supplier<PoolerView> view;
    private final Supplier<Map<String, StatsTotals>> averages;
    private final String version;

    ShowTables(PoolerControl control, Supplier<PoolerView> view, Supplier<Map<String, StatsTotals>> averages,
               String version) {
        this.control = control;
        this.view = view;
        this.averages = averages;
        this.version = version;
    }

    ResultSet show(ShowCommand what) {
        ResultSet.Builder rs = ResultSet.builder(what.columns());
        switch (what) {
            case HELP -> rs.notice("Console usage" + HELP);
            case STATS -> stats(rs);
            case STATS_TOTALS -> view.get().totalsByDatabase().forEach((db, t) -> totalsRow(rs, db, t));
            case STATS_AVERAGES -> averages.get().forEach((db, t) -> totalsRow(rs, db, t));
            case TOTALS -> totals(rs);
            case SERVERS -> view.get().servers().forEach(s -> socketRow(rs, s, s.state(), false));
            case CLIENTS -> view.get().clients().forEach(c -> socketRow(rs, c, c.state(), false));
            case SOCKETS, ACTIVE_SOCKETS -> sockets(rs, what == ShowCommand.ACTIVE_SOCKETS);
            case POOLS -> pools(rs);
            case LISTS -> lists(rs);
            case USERS -> users(rs);
            case DATABASES -> databases(rs);
            case PEERS, PEER_POOLS, DNS_HOSTS, DNS_ZONES -> {
                // No peering yet; the JVM's resolver cache cannot be listed: honest empty tables.
            }
            case FDS -> throw new AdminException(SqlState.FEATURE_NOT_SUPPORTED,
                    "SHOW FDS is not supported: Tidepool does not hand sockets over for online restart (-R)");
            case CONFIG -> config(rs);
            case MEM -> mem(rs);
            case VERSION -> rs.row(version);
            case STATE -> state(rs);
            case HOSTS -> hosts(rs);
            case VRRP -> vrrp(rs);
        }
        return rs.complete("SHOW");
    }

    private void hosts(ResultSet.Builder rs) {
        var routing = control.routing();
        if (routing == null) {
            return;
        }
        routing.monitors().forEach((hosts, monitor) -> {
            for (var status : monitor.topology().hosts()) {
                String state = switch (status.role()) {
                    case FENCED -> "fenced";
                    case DOWN, UNKNOWN -> "down";
                    case PRIMARY, STANDBY -> status.reachable() ? "up" : "down";
                };
                rs.row(hosts.toString(), status.host().toString(), status.role().name().toLowerCase(),
                        state, status.lagBytes(), status.replayDelay().toMillis(), status.timeline(),
                        TIME.format(status.checkedAt()), status.fenceReason(), status.lastError());
            }
        });
    }

    private void vrrp(ResultSet.Builder rs) {
        var vrrp = control.vrrp();
        if (vrrp == null) {
            return;
        }
        var s = vrrp.status();
        rs.row(s.virtualRouterId(), s.interfaceName(), s.state().name(), s.basePriority(), s.effectivePriority(),
                s.masterIp() == null ? null : s.masterIp().getHostAddress(), s.advertIntervalCentis(),
                s.masterAdvertIntervalCentis(), TIME.format(s.lastTransition()), s.lastTransitionReason(),
                s.advertsReceived(), s.advertsSent(), s.droppedTotal());
    }

    private void stats(ResultSet.Builder rs) {
        Map<String, StatsTotals> avg = averages.get();
        view.get().totalsByDatabase().forEach((db, t) -> {
            StatsTotals a = avg.getOrDefault(db, StatsTotals.ZERO);
            rs.row(db, t.serverAssignments(), t.xacts(), t.queries(), t.bytesReceived(), t.bytesSent(),
                    t.xactMicros(), t.queryMicros(), t.waitMicros(), 0, 0, 0,
                    a.serverAssignments(), a.xacts(), a.queries(), a.bytesReceived(), a.bytesSent(),
                    a.xactMicros(), a.queryMicros(), a.waitMicros(), 0, 0, 0);
        });
    }

    private static void totalsRow(ResultSet.Builder rs, String db, StatsTotals t) {
        rs.row(db, t.serverAssignments(), t.xacts(), t.queries(), t.bytesReceived(), t.bytesSent(), t.xactMicros(),
                t.queryMicros(), t.waitMicros(), 0, 0, 0);
    }

    private void totals(ResultSet.Builder rs) {
        StatsTotals t = view.get().totalsByDatabase().values().stream().reduce(StatsTotals.ZERO, StatsTotals::plus);
        StatsTotals a = averages.get().values().stream().reduce(StatsTotals.ZERO, StatsTotals::plus);
        totalsRows(rs, "total_", t);
        totalsRows(rs, "avg_", a);
    }

    private static void totalsRows(ResultSet.Builder rs, String prefix, StatsTotals s) {
        rs.row(prefix + "server_assignment_count", s.serverAssignments());
        rs.row(prefix + "xact_count", s.xacts());
        rs.row(prefix + "query_count", s.queries());
        rs.row(prefix + "client_bytes", s.bytesReceived());
        rs.row(prefix + "server_bytes", s.bytesSent());
        rs.row(prefix + "xact_time", s.xactMicros());
        rs.row(prefix + "query_time", s.queryMicros());
        rs.row(prefix + "wait_time", s.waitMicros());
        rs.row(prefix + "ps_client_parse_count", 0);
        rs.row(prefix + "ps_server_parse_count", 0);
        rs.row(prefix + "ps_bind_count", 0);
    }

    private static void socketRow(ResultSet.Builder rs, PoolerView.SocketRow s, String state, boolean debug) {
        Object[] standard = {String.valueOf(s.type()), s.user(), s.database(), "none", state, s.addr(), s.port(),
                s.localAddr(), s.localPort(), time(s.connectEpochMicros()), time(s.requestEpochMicros()),
                (int) (s.waitNanos() / 1_000_000_000L), (int) (s.waitNanos() / 1000 % 1_000_000),
                s.closeNeeded() ? 1 : 0, s.ptr(), s.link(), s.remotePid(), "", s.applicationName(), 0, s.id()};
        if (!debug) {
            rs.row(standard);
            return;
        }
        Object[] row = java.util.Arrays.copyOf(standard, standard.length + 7);
        java.util.Arrays.fill(row, standard.length, row.length, 0);   // Netty owns the buffers: no positions
        rs.row(row);
    }

    private void sockets(ResultSet.Builder rs, boolean activeOnly) {
        PoolerView v = view.get();
        for (var list : java.util.List.of(v.clients(), v.servers())) {
            for (PoolerView.SocketRow s : list) {
                if (!activeOnly || s.list().endsWith("_active")) {
                    socketRow(rs, s, s.list(), true);
                }
            }
        }
    }

    private void pools(ResultSet.Builder rs) {
        for (PoolerView.PoolRow p : view.get().pools()) {
            rs.row(p.database(), p.user(), p.clActive(), p.clWaiting(), 0, 0, p.svActive(), 0, 0, p.svIdle(),
                    p.svUsed(), p.svTested(), p.svLogin(), (int) (p.maxWaitNanos() / 1_000_000_000L),
                    (int) (p.maxWaitNanos() / 1000 % 1_000_000), p.poolMode(), null);
        }
    }

    private void lists(ResultSet.Builder rs) {
        PoolerView v = view.get();
        Config c = control.config();
        rs.row("databases", databaseNames(c).size() + 1);
        rs.row("users", userNames(c, v).size());
        rs.row("peers", 0);
        rs.row("pools", v.pools().size());
        rs.row("peer_pools", 0);
        rs.row("free_clients", 0);
        rs.row("used_clients", v.clients().size());
        rs.row("login_clients", 0);
        rs.row("free_servers", 0);
        rs.row("used_servers", v.servers().size());
        rs.row("dns_names", 0);
        rs.row("dns_zones", 0);
        rs.row("dns_queries", 0);
        rs.row("dns_pending", 0);
    }

    private void users(ResultSet.Builder rs) {
        Config c = control.config();
        PoolManager pools = control.pools();
        PoolerView v = view.get();
        for (String name : userNames(c, v)) {
            UserSettings u = c.users().get(name);
            long clients = v.clients().stream().filter(s -> s.user().equals(name)).count();
            rs.row(name, u == null || u.poolSize() == null ? "" : String.format("%9d", u.poolSize()),
                    u == null || u.reservePoolSize() == null ? "" : String.format("%9d", u.reservePoolSize()),
                    u == null || u.poolMode() == null ? null : u.poolMode().configName(),
                    c.maxUserConnectionsFor(name), pools.limits().serversForUser(name),
                    c.maxUserClientConnectionsFor(name), (int) clients);
        }
    }

    private static Set<String> userNames(Config c, PoolerView v) {
        Set<String> names = new LinkedHashSet<>(c.users().keySet());
        v.pools().forEach(p -> names.add(p.user()));
        v.clients().forEach(s -> names.add(s.user()));
        return names;
    }

    private static Map<String, DatabaseEntry> databaseNames(Config c) {
        Map<String, DatabaseEntry> dbs = new LinkedHashMap<>(c.databases());
        dbs.remove(DatabaseEntry.AUTODB);
        return dbs;
    }

    private void databases(ResultSet.Builder rs) {
        Config c = control.config();
        PoolManager pools = control.pools();
        PoolerView v = view.get();
        Map<String, DatabaseEntry> dbs = databaseNames(c);
        v.pools().forEach(p -> c.database(p.database()).ifPresent(e -> dbs.putIfAbsent(p.database(), e)));
        Settings s = c.settings();
        for (DatabaseEntry db : dbs.values()) {
            DatabaseState state = pools.state(db.name());
            long clients = v.clients().stream().filter(cl -> cl.database().equals(db.name())).count();
            rs.row(db.name(), db.hosts().isEmpty() ? null : String.join(",", db.hosts()), db.port(), db.dbname(),
                    db.user(), db.poolSize() != null ? db.poolSize() : s.get(Keys.DEFAULT_POOL_SIZE),
                    c.minPoolSizeFor(db), db.reservePool() != null ? db.reservePool() : s.get(Keys.RESERVE_POOL_SIZE),
                    (int) c.serverLifetimeFor(db).toSeconds(), db.poolMode() == null ? null : db.poolMode().configName(),
                    db.hosts().size() > 1 ? db.loadBalanceHosts().toString().toLowerCase(java.util.Locale.ROOT) : null,
                    c.maxDbConnectionsFor(db), pools.limits().serversForDatabase(db.name()),
                    c.maxDbClientConnectionsFor(db), (int) clients, state.pausedHere() || state.isPaused() ? 1 : 0,
                    state.isDisabled() ? 1 : 0);
        }
        long consoles = v.clients().stream().filter(cl -> AdminService.isConsoleName(cl.database())).count();
        rs.row(AdminService.CONSOLE_DATABASE, null, control.listenPort(), AdminService.CONSOLE_DATABASE,
                AdminService.CONSOLE_DATABASE, 2, 0, 0, (int) s.get(Keys.SERVER_LIFETIME).toSeconds(), "statement",
                null, 0, 0, 0, (int) consoles, 0, 0);
    }

    /** Every setting: value and default as PgBouncer prints them; secrets blank (RELIABILITY case 64). */
    private void config(ResultSet.Builder rs) {
        Settings s = control.config().settings();
        for (Setting<?> key : s.all()) {
            rs.row(key.name(), s.formatted(key.name()), key.secret() ? "" : formatDefault(key),
                    key.reloadable() ? "yes" : "no");
        }
    }

    private static <T> String formatDefault(Setting<T> key) {
        return key.format(key.defaultValue());
    }

    /**
     * PgBouncer lists its slab caches; the JVM's honest equivalents are its memory pools and buffer pools. size is
     * the unit (1 byte), used and free are bytes, memtotal the committed bytes; values beyond int4 saturate.
     */
    private static void mem(ResultSet.Builder rs) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        memRow(rs, "jvm_heap", heap.getUsed(), heap.getCommitted());
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        memRow(rs, "jvm_non_heap", nonHeap.getUsed(), nonHeap.getCommitted());
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getUsage();
            memRow(rs, "jvm_pool " + pool.getName(), u.getUsed(), u.getCommitted());
        }
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            memRow(rs, "buffers " + pool.getName(), pool.getMemoryUsed(), pool.getTotalCapacity());
        }
        // The allocator every channel reads into: Netty 4.2's default is the adaptive one (the pooled allocator this
        // used to report stays empty). Its used memory is the chunks it holds, committed for as long as it holds them.
        if (io.netty.buffer.ByteBufAllocator.DEFAULT instanceof io.netty.buffer.ByteBufAllocatorMetricProvider p) {
            var netty = p.metric();
            memRow(rs, "netty_direct", netty.usedDirectMemory(), netty.usedDirectMemory());
            memRow(rs, "netty_heap", netty.usedHeapMemory(), netty.usedHeapMemory());
        }
    }

    private static void memRow(ResultSet.Builder rs, String name, long used, long committed) {
        rs.row(name, 1, saturate(used), saturate(Math.max(0, committed - used)), saturate(committed));
    }

    private static int saturate(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private void state(ResultSet.Builder rs) {
        boolean paused = control.pools().everyDatabase().isPaused();
        rs.row("active", paused ? "no" : "yes");
        rs.row("paused", paused ? "yes" : "no");
        rs.row("suspended", "no");
    }

    private static String time(long epochMicros) {
        return TIME.format(Instant.ofEpochSecond(epochMicros / 1_000_000, epochMicros % 1_000_000 * 1000));
    }
}
