package io.tidepool.pooler.admin;

import io.tidepool.pooler.client.AdminGateway;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.config.Keys;
import io.tidepool.pooler.metrics.PoolFigures;
import io.tidepool.pooler.metrics.StatsTotals;
import io.tidepool.wire.error.SqlState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The admin console of one pooler: decides who may enter (admin_users, stats_users), keeps the open console
 * connections, runs the stats-period ticker behind SHOW STATS' averages, and owns the {@link AdminExecutor}. Created
 * by the application with its {@link PoolerControl}; thread-safe.
 */
public final class AdminService implements AdminGateway, AutoCloseable {
    /** PgBouncer's console database name. */
    public static final String CONSOLE_DATABASE = "pgbouncer";
    /** Tidepool's alias for it. */
    public static final String CONSOLE_ALIAS = "tidepool";

    private final PoolerControl control;
    private final AdminExecutor executor;
    private final Set<ClientSession> consoles = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("tidepool-stats").factory());
    private volatile Map<String, StatsTotals> lastTotals = Map.of();
    private volatile long lastTickNanos = System.nanoTime();
    private volatile Map<String, StatsTotals> averages = Map.of();

    public AdminService(PoolerControl control, String version) {
        this.control = control;
        ShowTables tables = new ShowTables(control, this::view, () -> averages, "PgBouncer 1.25.2 (Tidepool "
                + version + ")");
        this.executor = new AdminExecutor(this, control, tables);
        long period = Math.max(1, control.config().settings().get(Keys.STATS_PERIOD).toSeconds());
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.SECONDS);
    }

    public static boolean isConsoleName(String database) {
        return database.equals(CONSOLE_DATABASE) || database.equals(CONSOLE_ALIAS);
    }

    @Override
    public boolean isConsole(String database) {
        return isConsoleName(database);
    }

    @Override
    public boolean mayEnter(String user) {
        var s = control.config().settings();
        return s.get(Keys.ADMIN_USERS).contains(user) || s.get(Keys.STATS_USERS).contains(user);
    }

    private boolean isAdmin(String user) {
        return control.config().settings().get(Keys.ADMIN_USERS).contains(user);
    }

    /** The welcome PgBouncer's console sends (admin.c admin_setup), with our version. */
    @Override
    public Map<String, String> welcome() {
        Map<String, String> welcome = new LinkedHashMap<>();
        welcome.put("server_version", "1.25.2/bouncer");
        welcome.put("client_encoding", "UTF8");
        welcome.put("server_encoding", "UTF8");
        welcome.put("DateStyle", "ISO");
        welcome.put("TimeZone", "GMT");
        welcome.put("standard_conforming_strings", "on");
        welcome.put("is_superuser", "on");
        welcome.put("integer_datetimes", "on");
        return welcome;
    }

    @Override
    public Conversation open(ClientSession client, String user) {
        consoles.add(client);
        return new AdminConsole(client, user, this);
    }

    /** Runs one command for a console user (from the console's virtual thread). */
    ResultSet execute(AdminCommand command, String user, AdminConsole console) {
        return executor.execute(command, isAdmin(user), user, console::isClosed);
    }

    void closed(ClientSession client) {
        consoles.remove(client);
    }

    /** Console connections open now. */
    public int consoleCount() {
        return consoles.size();
    }

    List<ClientSession> consoleClients() {
        return List.copyOf(consoles);
    }

    /** Reads every pool now (blocking: call off the event loops). */
    public PoolerView view() {
        return PoolerView.read(control.pools(), consoleClients());
    }

    /** The pools as the metrics endpoint publishes them. */
    public List<PoolFigures> figures() {
        return view().pools().stream().map(PoolerView.PoolRow::figures).toList();
    }

    /** One stats period ended: averages over it, as PgBouncer's stats.c refresh does. */
    private void tick() {
        try {
            long now = System.nanoTime();
            Map<String, StatsTotals> totals = view().totalsByDatabase();
            long seconds = Math.max(1, Math.round((now - lastTickNanos) / 1e9));
            Map<String, StatsTotals> avg = new LinkedHashMap<>();
            Map<String, StatsTotals> before = lastTotals;
            totals.forEach((db, t) -> avg.put(db, t.minus(before.getOrDefault(db, StatsTotals.ZERO))
                    .averagesOver(seconds)));
            averages = Map.copyOf(avg);
            lastTotals = Map.copyOf(totals);
            lastTickNanos = now;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AdminService.class).warn("stats period: {}", e.toString());
        }
    }

    /** Shutdown: stops the ticker and closes every console connection. */
    @Override
    public void close() {
        ticker.shutdownNow();
        for (ClientSession client : consoleClients()) {
            if (!client.isClosed()) {
                client.channel().eventLoop().execute(() -> client.disconnect(SqlState.ADMIN_SHUTDOWN,
                        "pooler is shutting down"));
            }
        }
    }
}
