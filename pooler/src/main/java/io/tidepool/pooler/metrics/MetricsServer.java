package io.tidepool.pooler.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The {@code [metrics]} listener: {@code GET /metrics} (Prometheus text format 0.0.4), {@code GET /health/live}
 * and {@code GET /health/ready} (200 or 503, usable by load balancers, Kubernetes probes and a keepalived
 * track script via curl).
 *
 * <p>The JDK's {@link HttpServer} on a virtual-thread executor rather than a Netty pipeline: a scrape must visit
 * every event loop and wait for the answers, which is a blocking operation that would be forbidden on an event loop
 * (DESIGN hot-path rule 4) but costs nothing on a virtual thread; the traffic is a few requests a minute, so the JDK
 * server's simplicity wins over another pipeline to maintain. Started and stopped by the application; thread-safe.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code address:port} and starts serving.
     *
     * @param ready whether the pooler is ready: accepting clients (and, with routing, a primary reachable)
     */
    public static MetricsServer start(String address, int port, PoolerMetrics metrics, BooleanSupplier ready)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> {
            if (!allowed(exchange)) {
                return;
            }
            String body;
            try {
                body = metrics.scrape();
            } catch (RuntimeException e) {
                log.warn("metrics scrape failed: {}", e.toString());
                respond(exchange, 500, "text/plain; charset=utf-8", "scrape failed: " + e.getMessage() + "\n");
                return;
            }
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", body);
        });
        server.createContext("/health/live", exchange -> {
            if (allowed(exchange)) {
                respond(exchange, 200, "text/plain; charset=utf-8", "live\n");
            }
        });
        server.createContext("/health/ready", exchange -> {
            if (allowed(exchange)) {
                boolean ok = ready.getAsBoolean();
                respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ready\n" : "not ready\n");
            }
        });
        server.createContext("/", exchange -> {
            exchange.getRequestBody().close();
            respond(exchange, 404, "text/plain; charset=utf-8", "not found; try /metrics, /health/live, /health/ready\n");
        });
        server.start();
        log.info("metrics listening on {}", server.getAddress());
        return new MetricsServer(server, executor);
    }

    /** Only GET and HEAD of the exact path; anything else is answered here. */
    private static boolean allowed(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().close();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String context = exchange.getHttpContext().getPath();
        if (!path.equals(context)) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return false;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return false;
        }
        return true;
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
