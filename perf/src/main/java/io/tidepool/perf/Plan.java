package io.tidepool.perf;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What one harness run measures: the pool modes, workloads, protocols and client counts (every combination is a
 * cell), the targets, and the pgbench parameters. Three presets: {@code issue2} (session mode, {@code -S}, simple
 * protocol, 10 clients, 15 s: the foundation issue's side-by-side), {@code quick} (both modes, both workloads, simple
 * and extended, 10 and 200 clients, 5 s per cell: for development) and {@code full} (also {@code -M prepared}, 10,
 * 50, 200 and 1,000 clients, 15 s per cell: for the note). Any field can be overridden. Immutable.
 *
 * @param modes            pool modes, PgBouncer's spelling
 * @param workloads        pgbench scripts
 * @param protocols        pgbench {@code -M} values: simple, extended, prepared
 * @param clients          pgbench {@code -c} values
 * @param targets          what to measure
 * @param durationSeconds  pgbench {@code -T} per cell
 * @param threads          pgbench {@code -j} (capped at the clients)
 * @param scale            pgbench {@code -i -s}
 * @param poolSize         {@code default_pool_size} in transaction/statement mode; session mode uses at least the
 *                         largest client count, because a session holds its server connection for the whole run
 * @param warmupSeconds    seconds of each workload and protocol through each pooler before its cells (JIT)
 * @param directMaxClients the largest client count run directly against PostgreSQL; above it, direct is "n/a"
 */
record Plan(List<String> modes, List<Workload> workloads, List<String> protocols, List<Integer> clients,
        List<Target> targets, int durationSeconds, int threads, int scale, int poolSize, int warmupSeconds,
        int directMaxClients) {

    private static final List<String> PROTOCOLS = List.of("simple", "extended", "prepared");
    private static final List<String> MODES = List.of("session", "transaction", "statement");

    Plan {
        modes = List.copyOf(modes);
        workloads = List.copyOf(workloads);
        protocols = List.copyOf(protocols);
        clients = List.copyOf(clients);
        targets = List.copyOf(targets);
        for (String mode : modes) {
            require(MODES.contains(mode), "mode: \"" + mode + "\" (expected: one of " + MODES + ")");
        }
        for (String protocol : protocols) {
            require(PROTOCOLS.contains(protocol),
                    "protocol: \"" + protocol + "\" (expected: one of " + PROTOCOLS + ")");
        }
        for (int count : clients) {
            require(count >= 1, "clients: " + count + " (expected: >= 1)");
        }
        require(!modes.isEmpty() && !workloads.isEmpty() && !protocols.isEmpty() && !clients.isEmpty()
                && !targets.isEmpty(), "every list needs at least one value");
        require(durationSeconds >= 1, "duration: " + durationSeconds + " (expected: >= 1 s)");
        require(threads >= 1, "threads: " + threads + " (expected: >= 1)");
        require(scale >= 1, "scale: " + scale + " (expected: >= 1)");
        require(poolSize >= 1, "pool size: " + poolSize + " (expected: >= 1)");
        require(warmupSeconds >= 0, "warmup: " + warmupSeconds + " (expected: >= 0 s)");
    }

    /** The transaction scripts of the presets; {@code full} adds a new connection per transaction. */
    private static final List<Workload> SCRIPTS = List.of(Workload.SELECT_ONLY, Workload.TPCB_LIKE);

    /** A preset by name. */
    static Plan preset(String name) {
        List<Target> all = List.of(Target.values());
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "issue2" -> new Plan(List.of("session"), List.of(Workload.SELECT_ONLY), List.of("simple"),
                    List.of(10), all, 15, 2, 10, 20, 5, 1000);
            case "quick" -> new Plan(List.of("session", "transaction"), SCRIPTS,
                    List.of("simple", "extended"), List.of(10, 200), all, 5, 2, 10, 20, 3, 1000);
            case "full" -> new Plan(List.of("session", "transaction"), List.of(Workload.values()), PROTOCOLS,
                    List.of(10, 50, 200, 1000), all, 15, 2, 10, 20, 15, 1000);
            // Issue 3's table: transaction mode, -S and tpcb-like, simple and extended, 10 to 1,000 clients onto 20.
            // 20 s of warm-up for the login churn and for each workload and protocol (100 s per pooler): Tidepool's
            // JIT compiles a workload's paths in about 15 s of that workload on 2 cores.
            case "issue3" -> new Plan(List.of("transaction"), SCRIPTS, List.of("simple", "extended"),
                    List.of(10, 50, 200, 1000), all, 10, 2, 10, 20, 20, 1000);
            default -> throw new IllegalArgumentException("preset: \"" + name + "\" (expected: issue2, issue3, quick or full)");
        };
    }

    /** The session-mode pool size: large enough that no client waits for a server for the whole run. */
    int sessionPoolSize() {
        return Math.max(poolSize, clients.stream().mapToInt(Integer::intValue).max().orElseThrow());
    }

    /** The pool size for {@code mode}. */
    int poolSizeFor(String mode) {
        return mode.equals("session") ? sessionPoolSize() : poolSize;
    }

    /** PostgreSQL's {@code max_connections}: the largest direct run or pool, plus room for the harness. */
    int maxConnections() {
        int direct = targets.contains(Target.DIRECT) ? clients.stream().mapToInt(Integer::intValue)
                .filter(c -> c <= directMaxClients).max().orElse(0) : 0;
        int pools = modes.stream().mapToInt(this::poolSizeFor).max().orElseThrow();
        return Math.max(direct, pools) + 100;
    }

    /** The largest client count, for {@code max_client_conn}. */
    int maxClients() {
        return clients.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** One line for the report header. */
    String describe() {
        return "modes=" + String.join(",", modes) + " workloads="
                + String.join(",", workloads.stream().map(Workload::label).toList()) + " protocols="
                + String.join(",", protocols) + " clients=" + clients.toString().replace(" ", "") + " targets="
                + String.join(",", targets.stream().map(Target::label).toList()) + " duration=" + durationSeconds
                + "s threads=" + threads + " scale=" + scale + " pool_size=" + poolSize + " (session: "
                + sessionPoolSize() + ") warmup=" + warmupSeconds + "s max_connections=" + maxConnections();
    }

    /** Parses a comma-separated list. */
    static <T> List<T> list(String text, Function<String, T> parse) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(parse).toList();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
