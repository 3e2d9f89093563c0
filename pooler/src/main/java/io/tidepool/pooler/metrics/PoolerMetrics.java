package io.tidepool.pooler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The pooler's one Micrometer registry (DESIGN "Observability") and the meters the data path records into. Created
 * once per running pooler, shared by all threads: the timers and counters are Micrometer's lock-free ones; the
 * per-pool gauges read the latest {@link PoolFigures}, which {@link #scrape()} refreshes from the pool source before
 * rendering (so a scrape costs one visit to each event loop, and nothing is sampled in between).
 */
public final class PoolerMetrics {
    /** Service-level buckets for the time histograms: sub-millisecond to a minute. */
    private static final Duration[] BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final CoarseClock clock = new CoarseClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new io.prometheus.metrics.model.registry.PrometheusRegistry(), clock);
    private final Counter authFailures;
    private final Map<String, Counter> errorsByClass = new ConcurrentHashMap<>();
    private final Map<String, PoolFigures> figures = new ConcurrentHashMap<>();
    private volatile Supplier<List<PoolFigures>> poolSource = List::of;

    public PoolerMetrics() {
        authFailures = Counter.builder("tidepool.auth.failures").description("client logins refused").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Where {@link #scrape()} reads the pools from (blocking is fine: it runs on the HTTP server's thread). */
    public void poolSource(Supplier<List<PoolFigures>> source) {
        poolSource = source;
    }

    /**
     * Timers for one pool group: transaction, query and wait time as Prometheus histograms with fixed buckets
     * ({@code histogram_quantile} gives the percentiles; client-side percentiles would not aggregate across poolers).
     */
    public PoolStats.GroupTimers timersFor(String database, String user) {
        Tags tags = Tags.of("database", database, "user", user);
        return new PoolStats.GroupTimers(timer("tidepool.xact.time", "transaction time", tags),
                timer("tidepool.query.time", "query time", tags),
                timer("tidepool.wait.time", "time clients waited for a server", tags));
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** A client login was refused (wrong password, hba reject, unknown user, not allowed on the console). */
    public void authFailed() {
        authFailures.increment();
    }

    public double authFailures() {
        return authFailures.count();
    }

    /** An error went to a client; {@code sqlState} is the five-character code, counted by its two-character class. */
    public void error(String sqlState) {
        String cls = sqlState.length() >= 2 ? sqlState.substring(0, 2) : "??";
        errorsByClass.computeIfAbsent(cls, c -> Counter.builder("tidepool.errors").description(
                "errors sent to clients, by SQLSTATE class").tag("class", c).register(registry)).increment();
    }

    /** Refreshes the pool figures and renders the Prometheus text format. */
    public String scrape() {
        clock.refresh();
        refresh();
        return registry.scrape();
    }

    /** Reads the pools once and makes sure every pool has its gauges. */
    public void refresh() {
        for (PoolFigures f : poolSource.get()) {
            String key = f.database() + "\u0000" + f.user();
            if (figures.put(key, f) == null) {
                register(key, f.database(), f.user());
            }
        }
    }

    private void register(String key, String database, String user) {
        Tags tags = Tags.of("database", database, "user", user);
        gauge("tidepool.pool.cl.active", "clients linked or logged in and idle", key, tags, PoolFigures::clActive);
        gauge("tidepool.pool.cl.waiting", "clients waiting for a server", key, tags, PoolFigures::clWaiting);
        gauge("tidepool.pool.sv.active", "servers linked to a client", key, tags, PoolFigures::svActive);
        gauge("tidepool.pool.sv.idle", "servers idle", key, tags, PoolFigures::svIdle);
        gauge("tidepool.pool.sv.used", "servers being reset", key, tags, PoolFigures::svUsed);
        gauge("tidepool.pool.sv.tested", "servers being checked", key, tags, PoolFigures::svTested);
        gauge("tidepool.pool.sv.login", "servers logging in", key, tags, PoolFigures::svLogin);
        gauge("tidepool.pool.maxwait.seconds", "oldest client wait", key, tags, PoolFigures::maxWaitSeconds);
        counter("tidepool.transactions", "transactions", key, tags, f -> f.totals().xacts());
        counter("tidepool.queries", "queries", key, tags, f -> f.totals().queries());
        counter("tidepool.server.assignments", "server assignments", key, tags, f -> f.totals().serverAssignments());
        counter("tidepool.bytes.received", "bytes from clients", key, tags, f -> f.totals().bytesReceived());
        counter("tidepool.bytes.sent", "bytes to clients", key, tags, f -> f.totals().bytesSent());
        counter("tidepool.pool.xact.seconds", "total transaction time", key, tags,
                f -> f.totals().xactMicros() / 1e6);
        counter("tidepool.pool.query.seconds", "total query time", key, tags, f -> f.totals().queryMicros() / 1e6);
        counter("tidepool.pool.wait.seconds", "total wait time", key, tags, f -> f.totals().waitMicros() / 1e6);
    }

    private void gauge(String name, String description, String key, Tags tags, ToDoubleFunction<PoolFigures> value) {
        Gauge.builder(name, figures, map -> {
            PoolFigures f = map.get(key);
            return f == null ? Double.NaN : value.applyAsDouble(f);
        }).description(description).tags(tags).register(registry);
    }

    private void counter(String name, String description, String key, Tags tags,
                         ToDoubleFunction<PoolFigures> value) {
        FunctionCounter.builder(name, figures, map -> {
            PoolFigures f = map.get(key);
            return f == null ? 0 : value.applyAsDouble(f);
        }).description(description).tags(tags).register(registry);
    }
}
