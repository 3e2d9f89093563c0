package io.tidepool.pooler.app;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.tidepool.pooler.client.CancelRegistry;
import io.tidepool.pooler.client.ClientContext;
import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.client.ClientStartup;
import io.tidepool.pooler.config.Config;
import io.tidepool.pooler.config.ConfigDiff;
import io.tidepool.pooler.config.ConfigLoader;
import io.tidepool.pooler.config.Keys;
import io.tidepool.pooler.janitor.Janitor;
import io.tidepool.pooler.net.SocketOutput;
import io.tidepool.pooler.net.Transport;
import io.tidepool.pooler.pool.GlobalLimits;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.pooler.pool.PoolManager;

import io.tidepool.pooler.server.ServerConnector;
import io.tidepool.wire.Limits;
import io.tidepool.wire.error.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running pooler: event loops, pools, listeners, janitors; reload and graceful shutdown. Created by
 * {@link #start}; {@link #reload} and {@link #shutdown} may be called from any thread (signal handlers, the admin
 * console).
 */
public final class Tidepool {
    private static final Logger log = LoggerFactory.getLogger(Tidepool.class);
    /** Exit status after an event loop died (sysexits.h EX_SOFTWARE). */
    private static final int EXIT_LOOP_DIED = 70;

    private final Path configPath;
    private final Transport transport = Transport.best();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final PoolManager pools;
    private final CancelRegistry cancels = new CancelRegistry();
    private final io.tidepool.pooler.client.LoginGuard loginGuard = io.tidepool.pooler.client.LoginGuard.fromSystem();
    private final ServerConnector connector;
    private final List<Janitor> janitors = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Config config;
    private volatile ClientContext clientContext;
    private volatile boolean shuttingDown;
    private final Listeners listeners;
    // Admin console and metrics (issue 7).
    private final io.tidepool.pooler.metrics.PoolerMetrics metrics = new io.tidepool.pooler.metrics.PoolerMetrics();
    private final io.tidepool.pooler.admin.AdminService admin;
    private final java.time.Instant startedAt = java.time.Instant.now();
    private final io.tidepool.pooler.metrics.@org.jspecify.annotations.Nullable MetricsServer metricsServer;
    private final @org.jspecify.annotations.Nullable Listeners readOnlyListeners;
    private final io.tidepool.pooler.routing.RoutingService routing;
    private final io.tidepool.vip.@org.jspecify.annotations.Nullable VrrpInstance vrrp;

    private Tidepool(Path configPath, Config config, int threads) throws Exception {
        this.configPath = configPath;
        this.config = config;
        config.warnings().forEach(warning -> log.warn("config: {}", warning));
        boss = transport.newGroup(1, "tidepool-accept");
        workers = transport.newGroup(threads, "tidepool-io");
        LoopWatch.watch(boss, "tidepool-accept", () -> shuttingDown, this::loopDied);
        LoopWatch.watch(workers, "tidepool-io", () -> shuttingDown, this::loopDied);
        GlobalLimits limits = new GlobalLimits(() -> this.config.settings().get(Keys.MAX_CLIENT_CONN));
        routing = new io.tidepool.pooler.routing.RoutingService(this::pools);
        routing.configure(config);
        connector = new ServerConnector(transport, config.settings().get(Keys.PKT_BUF));
        connector.tls(TlsSetup.server(config));
        pools = new PoolManager(resolver(config), limits, connector, metrics);
        admin = new io.tidepool.pooler.admin.AdminService(new Control(), Version.get());
        metrics.poolSource(admin::figures);
        clientContext = clientContext(config);
        for (EventExecutor executor : workers) {
            janitors.add(Janitor.start(pools, (io.netty.channel.EventLoop) executor));
        }
        var s = config.settings();
        int maxPacket = s.get(Keys.MAX_PACKET_SIZE);
        Limits wireLimits = Limits.DEFAULT.withMaxFrameLength(Math.min(maxPacket, Limits.PG_LARGE_MESSAGE_LIMIT));
        listeners = Listeners.open(transport, boss, workers, s.get(Keys.LISTEN_ADDR), s.get(Keys.LISTEN_PORT),
                s.get(Keys.UNIX_SOCKET_DIR), s.get(Keys.LISTEN_BACKLOG), s.get(Keys.PKT_BUF), wireLimits,
                () -> clientContext);
        int readOnlyPort = routing.config().readonlyListenPort();
        // HAProxy's two-port layout: on this port every routed database means its read target.
        readOnlyListeners = readOnlyPort == 0 ? null : Listeners.open(transport, boss, workers,
                s.get(Keys.LISTEN_ADDR), readOnlyPort, "", s.get(Keys.LISTEN_BACKLOG), s.get(Keys.PKT_BUF), wireLimits,
                () -> clientContext.readOnly());
        var failovers = io.tidepool.pooler.metrics.TopologyMetrics.register(metrics.registry(), routing);
        routing.metrics(failovers, host -> io.tidepool.pooler.metrics.TopologyMetrics.registerHost(
                metrics.registry(), routing, host));
        io.tidepool.pooler.metrics.TopologyMetrics.registerVrrp(metrics.registry(), this::vrrp);
        metricsServer = startMetrics(config);
        // Last: the VIP comes here only once this instance accepts clients. Healthy = accepting, and a primary
        // is known for every routed database (issue 6); failing only lowers the priority, never FAULT.
        vrrp = VrrpSetup.start(config, () -> !shuttingDown && routing.monitors().values().stream()
                .allMatch(monitor -> monitor.topology().primary().isPresent()));
        String sends = transport.name().equals("epoll") ? " with " + SocketOutput.sendMode() : "";
        log.info("Tidepool {} started: transport={}{}, event loops={}, pool_mode={}, config={}", Version.get(),
                transport.name(), sends, threads, s.get(Keys.POOL_MODE).configName(), configPath);
    }

    public static Tidepool start(Path configPath) throws Exception {
        Config config = ConfigLoader.load(configPath);
        return new Tidepool(configPath, config, eventLoops(config));
    }

    /** event_loops, or half the processors (at least one) when it is 0. */
    static int eventLoops(Config config) {
        int configured = config.settings().get(Keys.EVENT_LOOPS);
        return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    private ConfigResolver resolver(Config c) {
        return new ConfigResolver(c, AuthSetup.credentials(c), routing);
    }

    private ClientContext clientContext(Config c) {
        var s = c.settings();
        return new ClientContext(pools, cancels, new ClientStartup(new HashSet<>(s.get(Keys.IGNORE_STARTUP_PARAMETERS))),
                AuthSetup.authenticator(c),
                s.get(Keys.CLIENT_LOGIN_TIMEOUT), s.get(Keys.APPLICATION_NAME_ADD_HOST), s.get(Keys.LOG_CONNECTIONS),
                s.get(Keys.LOG_DISCONNECTIONS), () -> shuttingDown, false, admin,
                TlsSetup.client(c), loginGuard, AuthSetup.authQuery(c));
    }

    /**
     * The [metrics] listener (listen_addr, listen_port) when the section exists; off otherwise (issue 7). Ready means
     * what the VRRP health means: accepting clients, and a primary known for every routed database.
     */
    private io.tidepool.pooler.metrics.@org.jspecify.annotations.Nullable MetricsServer startMetrics(Config c)
            throws java.io.IOException {
        var section = c.section("metrics");
        if (section.isEmpty()) {
            return null;
        }
        String address = section.getOrDefault("listen_addr", "127.0.0.1");
        int port;
        try {
            port = Integer.parseInt(section.getOrDefault("listen_port", "").strip());
        } catch (NumberFormatException e) {
            throw new io.tidepool.pooler.config.ConfigException("[metrics] listen_port: \""
                    + section.getOrDefault("listen_port", "") + "\" (expected: a port 0..65535)");
        }
        return io.tidepool.pooler.metrics.MetricsServer.start(address.equals("*") ? "0.0.0.0" : address, port,
                metrics, () -> !shuttingDown && routing.monitors().values().stream()
                        .allMatch(monitor -> monitor.topology().primary().isPresent()));
    }

    /** The admin console's view of this pooler (issue 7). */
    private final class Control implements io.tidepool.pooler.admin.PoolerControl {
        @Override
        public io.tidepool.pooler.routing.RoutingService routing() {
            return routing;
        }

        @Override
        public io.tidepool.vip.@org.jspecify.annotations.Nullable VrrpInstance vrrp() {
            return vrrp;
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public PoolManager pools() {
            return pools;
        }

        @Override
        public void reload() {
            reloadOrThrow();
        }

        @Override
        public void applySettings(io.tidepool.pooler.config.Settings settings) {
            Tidepool.this.applySettings(settings);
        }

        @Override
        public void shutdown(io.tidepool.pooler.admin.AdminCommand.ShutdownMode mode) {
            Thread.ofVirtual().name("tidepool-shutdown").start(() -> shutdownFromConsole(mode));
        }

        @Override
        public boolean shuttingDown() {
            return shuttingDown;
        }

        @Override
        public java.time.Instant startedAt() {
            return startedAt;
        }

        @Override
        public int listenPort() {
            return config.settings().get(Keys.LISTEN_PORT);
        }
    }

    /** SET on the console: a whole new snapshot with the changed settings, applied like a reload. */
    private synchronized void applySettings(io.tidepool.pooler.config.Settings settings) {
        Config c = config;
        Config fresh = new Config(settings, c.databases(), c.users(), c.extraSections(), c.source(), List.of());
        config = fresh;
        pools.reconfigure(resolver(fresh));
        clientContext = clientContext(fresh);
        log.info("configuration changed on the admin console: {}", ConfigDiff.between(c, fresh));
    }

    /** SHUTDOWN on the console: PgBouncer's three modes. */
    private void shutdownFromConsole(io.tidepool.pooler.admin.AdminCommand.ShutdownMode mode) {
        switch (mode) {
            case IMMEDIATE -> shutdown(Duration.ZERO);
            case WAIT_FOR_SERVERS -> shutdown(Duration.ofHours(1));
            case WAIT_FOR_CLIENTS -> {
                log.info("SHUTDOWN WAIT_FOR_CLIENTS: no new connections; waiting for clients to leave");
                listeners.close();
                while (pools.limits().clientCount() - admin.consoleCount() > 0) {
                    sleep(50);
                }
                shutdown(Duration.ZERO);
            }
        }
    }

    /**
     * Re-reads the configuration file. An invalid file is reported and the running configuration stays; a valid one
     * is swapped in whole: pools pick up new sizes and timeouts, new clients see new databases.
     *
     * @return whether the new configuration was applied
     */
    public synchronized boolean reload() {
        try {
            reloadOrThrow();
            return true;
        } catch (RuntimeException e) {
            log.error("reload failed, keeping the running configuration: {}", e.getMessage());
            return false;
        }
    }

    /** {@link #reload}, reporting an invalid file by throwing (the admin console's RELOAD shows the reason). */
    private synchronized void reloadOrThrow() {
        Config loaded = ConfigLoader.load(configPath);
        loaded.warnings().forEach(warning -> log.warn("config: {}", warning));
        ConfigDiff diff = ConfigDiff.between(config, loaded);
        diff.warnings().forEach(warning -> log.warn("config: {}", warning));
        // Restart-only keys (listen_port, track_extra_parameters...) keep their running values, as in PgBouncer: the
        // diff's effective snapshot, not the file, is what the pools and new clients get.
        Config fresh = diff.effective();
        ClientContext freshContext;
        ConfigResolver freshResolver;
        io.tidepool.pooler.server.ServerTls freshServerTls;
        try {
            routing.configure(fresh);
            freshResolver = resolver(fresh);
            // Everything that reads files (auth_file, hba, certificates and keys) is built before anything is swapped,
            // so a broken file on reload leaves the running configuration whole.
            freshContext = clientContext(fresh);
            freshServerTls = TlsSetup.server(fresh);
        } catch (RuntimeException e) {
            routing.configure(config);
            throw e;
        }
        config = fresh;
        pools.reconfigure(freshResolver);
        connector.tls(freshServerTls);
        clientContext = freshContext;
        log.info("configuration reloaded from {}: {}", configPath, diff);
    }

    /**
     * An event loop ended while the pooler was running (see {@link LoopWatch}): its clients can no longer be served
     * and a graceful stop would wait for it forever. Gives the VIP up at once (priority 0) and exits with status 70
     * (EX_SOFTWARE), so that the backup takes over and the supervisor (systemd's Restart=) starts a fresh process.
     */
    private void loopDied(String loop) {
        log.error("event loop {} stopped unexpectedly (its error is logged above): exiting with status {}", loop,
                EXIT_LOOP_DIED);
        try {
            if (vrrp != null) {
                vrrp.close();
            }
        } finally {
            System.exit(EXIT_LOOP_DIED);
        }
    }

    /**
     * Graceful stop: no new connections; idle clients are told the pooler is shutting down; clients in a transaction
     * or a request are left to finish it (bounded by {@code grace}); then every connection closes.
     */
    public void shutdown(Duration grace) {
        synchronized (this) {
            if (shuttingDown) {
                return;
            }
            shuttingDown = true;
        }
        log.info("shutting down: no new connections; waiting up to {} s for running transactions",
                grace.toSeconds());
        if (vrrp != null) {
            vrrp.close();                              // priority 0: the backup takes the VIP at once
        }
        listeners.close();
        admin.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (readOnlyListeners != null) {
            readOnlyListeners.close();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            if (disconnectIdleClients() == 0) {
                break;
            }
            sleep(50);
        }
        closeAll();
        routing.close();
        janitors.forEach(Janitor::stop);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("stopped");
        stopped.countDown();
    }

    /** Disconnects every client that is not inside a transaction; returns how many clients remain. */
    private int disconnectIdleClients() {
        List<java.util.concurrent.Future<Integer>> counts = new ArrayList<>();
        for (PoolGroup group : pools.groups()) {
            for (Pool pool : group.pools()) {
                counts.add(pool.loop().submit(() -> {
                    int remaining = 0;
                    for (ClientSession client : pool.clients()) {
                        if (client.isBusy()) {
                            remaining++;
                        } else {
                            client.disconnect(SqlState.ADMIN_SHUTDOWN, "pooler is shutting down");
                        }
                    }
                    return remaining;
                }));
            }
        }
        int remaining = 0;
        for (var count : counts) {
            try {
                remaining += count.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                remaining++;
            }
        }
        return remaining;
    }

    private void closeAll() {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (PoolGroup group : pools.groups()) {
            for (Pool pool : group.pools()) {
                done.add(pool.loop().submit(() -> {
                    pool.clients().forEach(c -> c.disconnect(SqlState.ADMIN_SHUTDOWN, "pooler is shutting down"));
                    pool.servers().forEach(s -> s.close("pooler is shutting down"));
                }));
            }
        }
        for (var future : done) {
            try {
                future.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("closing connections: {}", e.toString());
            }
        }
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public List<java.net.SocketAddress> boundAddresses() {
        return listeners.boundAddresses();
    }

    public PoolManager pools() {
        return pools;
    }

    /** The VRRP speaker, when the configuration has a [vrrp] section. */
    public io.tidepool.vip.@org.jspecify.annotations.Nullable VrrpInstance vrrp() {
        return vrrp;
    }

    public io.tidepool.pooler.routing.RoutingService routing() {
        return routing;
    }

    public Config config() {
        return config;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
