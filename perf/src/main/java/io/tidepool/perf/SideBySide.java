package io.tidepool.perf;

import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.Pgbench;
import io.tidepool.testkit.PostgresCluster;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The side-by-side benchmark (perf/run-pgbench-side-by-side.sh runs it): one throw-away PostgreSQL, {@code pgbench -i},
 * then for each pool mode a fresh PgBouncer and a fresh Tidepool with the same {@link PoolerSetup}, and for every cell
 * of the {@link Plan} the same pgbench run directly, through PgBouncer and through Tidepool, one after the other.
 * Prints each row as it is measured and all tables at the end. Everything it starts it stops, also on failure.
 *
 * <p>Before a pooler's cells, a {@link MultiplexProbe} checks that the pooler really pools in the mode at hand (a
 * Tidepool build without transaction pooling gets "n/a" instead of a hang) and a short {@code -S} run warms it up.
 * Direct figures do not depend on the pool mode: they are measured once per cell and repeated in later tables.
 * Runs on the main thread.
 */
@Command(name = "run-pgbench-side-by-side.sh", mixinStandardHelpOptions = true, sortOptions = false,
        description = "pgbench directly against PostgreSQL, through PgBouncer and through Tidepool, side by side.")
public final class SideBySide implements Callable<Integer> {
    private static final String DATABASE = "bench";

    @Option(names = "--preset", defaultValue = "issue2",
            description = "issue2 | issue3 | quick | full (default: ${DEFAULT-VALUE})")
    String preset = "issue2";
    @Option(names = "--modes", description = "pool modes, comma-separated: session,transaction,statement")
    @Nullable String modes;
    @Option(names = "--workloads", description = "select-only,tpcb-like")
    @Nullable String workloads;
    @Option(names = "--protocols", description = "pgbench -M values: simple,extended,prepared")
    @Nullable String protocols;
    @Option(names = "--clients", description = "pgbench -c values, comma-separated")
    @Nullable String clients;
    @Option(names = "--targets", description = "direct,pgbouncer,tidepool")
    @Nullable String targets;
    @Option(names = "--duration", description = "seconds per cell (pgbench -T)")
    @Nullable Integer duration;
    @Option(names = "--threads", description = "pgbench -j")
    @Nullable Integer threads;
    @Option(names = "--scale", description = "pgbench -i -s")
    @Nullable Integer scale;
    @Option(names = "--pool-size", description = "default_pool_size for transaction/statement mode")
    @Nullable Integer poolSize;
    @Option(names = "--repeat", defaultValue = "1", description = "runs of each pooler cell, PgBouncer and Tidepool "
            + "alternating; each figure is the median of its runs (a shared machine's noise is large)")
    int repeat = 1;
    @Option(names = "--warmup", description = "seconds of each workload and protocol through each pooler before "
            + "its cells, unmeasured (JIT)")
    @Nullable Integer warmup;
    @Option(names = "--direct-max-clients", description = "above this many clients, direct is n/a")
    @Nullable Integer directMaxClients;
    @Option(names = "--launcher", defaultValue = "bin/tidepool",
            description = "Tidepool launcher (default: ${DEFAULT-VALUE})")
    Path launcher = Path.of("bin/tidepool");

    public static void main(String[] args) {
        System.exit(new CommandLine(new SideBySide()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Plan plan = plan();
        System.out.println("# Tidepool side-by-side, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, load average " + loadAverage());
        System.out.println("# " + firstLine(Pgbench.run(PgTarget.of("127.0.0.1", 1, "x", "x"), "--version").stdout())
                + "; " + BouncerVersion.get() + "; Tidepool " + launcher.toAbsolutePath().normalize());
        System.out.println("# plan: " + plan.describe());
        Path scratch = Files.createTempDirectory("tidepool-perf-logs-");
        Thread cleanup = new Thread(() -> PgbenchRunner.delete(scratch), "tidepool-perf-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);      // Ctrl-C: the test kit's fixtures have their own hooks
        List<ResultTable> tables = new ArrayList<>();
        try (PostgresCluster cluster = PostgresCluster.builder().maxConnections(plan.maxConnections())
                .setting("shared_buffers", "256MB").start()) {
            PostgresNode primary = cluster.primary();
            cluster.createDatabase(DATABASE);
            PgTarget direct = primary.target(PostgresNode.SUPERUSER, DATABASE);
            Pgbench.initialize(direct, plan.scale());
            var runner = new PgbenchRunner(scratch, plan.threads());
            if (plan.warmupSeconds() > 0 && plan.targets().contains(Target.DIRECT)) {
                runner.run(direct, Workload.SELECT_ONLY, "simple", Math.min(10, plan.maxClients()),
                        plan.warmupSeconds(), null);
            }
            Map<String, Outcome> directResults = new HashMap<>();
            for (String mode : plan.modes()) {
                tables.add(new ModeRun(plan, mode, primary, runner, directResults).run());
            }
        } finally {
            PgbenchRunner.delete(scratch);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.out.println();
        System.out.println("# Summary (load average at the end: " + loadAverage() + ")");
        for (ResultTable table : tables) {
            System.out.println();
            table.print(System.out);
        }
        return 0;
    }

    private Plan plan() {
        Plan base = Plan.preset(preset);
        return new Plan(
                modes == null ? base.modes() : Plan.list(modes, String::strip),
                workloads == null ? base.workloads() : Plan.list(workloads, Workload::parse),
                protocols == null ? base.protocols() : Plan.list(protocols, String::strip),
                clients == null ? base.clients() : Plan.list(clients, Integer::parseInt),
                targets == null ? base.targets() : Plan.list(targets, Target::parse),
                duration == null ? base.durationSeconds() : duration,
                threads == null ? base.threads() : threads,
                scale == null ? base.scale() : scale,
                poolSize == null ? base.poolSize() : poolSize,
                warmup == null ? base.warmupSeconds() : warmup,
                directMaxClients == null ? base.directMaxClients() : directMaxClients);
    }

    /** {@code /proc/loadavg}'s three averages. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String firstLine(String text) {
        return text.lines().findFirst().orElse("").strip();
    }

    /** The cells of one pool mode: starts both poolers, probes and warms them, measures, stops them. */
    private final class ModeRun {
        private final Plan plan;
        private final String mode;
        private final PostgresNode primary;
        private final PgbenchRunner runner;
        private final Map<String, Outcome> directResults;
        private final Map<Target, Pooler> poolers = new EnumMap<>(Target.class);
        private final Map<Target, String> unavailable = new EnumMap<>(Target.class);
        /** Footnotes of the rows printed so far, numbered as {@link ResultTable#print} will number them. */
        private final List<String> notes = new ArrayList<>();

        ModeRun(Plan plan, String mode, PostgresNode primary, PgbenchRunner runner, Map<String, Outcome> direct) {
            this.plan = plan;
            this.mode = mode;
            this.primary = primary;
            this.runner = runner;
            this.directResults = direct;
        }

        ResultTable run() {
            var setup = new PoolerSetup(mode, plan.poolSizeFor(mode), plan.maxClients() + 100, primary, DATABASE);
            var table = new ResultTable("## pool_mode=" + mode + ", default_pool_size=" + setup.poolSize()
                    + ", max_client_conn=" + setup.maxClientConn() + ", pgbench -T " + plan.durationSeconds()
                    + " -j " + plan.threads() + ", scale " + plan.scale() + "; load average " + loadAverage()
                    + "; latency from pgbench -l, CPU = pooler user+sys time per transaction");
            try {
                startPoolers(setup);
                System.out.println();
                table.printHeader(System.out);
                for (Workload workload : plan.workloads()) {
                    for (String protocol : plan.protocols()) {
                        for (int count : plan.clients()) {
                            var row = new ResultTable.Row(workload, protocol, count,
                                    measure(workload, protocol, count));
                            table.add(row);
                            int printed = notes.size();
                            System.out.println(ResultTable.format(row, notes));
                            for (int i = printed; i < notes.size(); i++) {
                                System.out.println("  [" + (i + 1) + "] " + notes.get(i));
                            }
                        }
                    }
                }
            } finally {
                poolers.values().forEach(Pooler::close);
            }
            return table;
        }

        private void startPoolers(PoolerSetup setup) {
            for (Target target : List.of(Target.PGBOUNCER, Target.TIDEPOOL)) {
                if (!plan.targets().contains(target)) {
                    continue;
                }
                try {
                    Pooler pooler = target == Target.PGBOUNCER ? Pooler.pgbouncer(setup)
                            : TidepoolInstance.start(launcher, setup);
                    poolers.put(target, pooler);
                } catch (RuntimeException e) {
                    String message = String.valueOf(e.getMessage());
                    unavailable.put(target, "did not start in " + mode + " mode: " + firstLine(message));
                    System.out.println("# " + target.label() + " did not start in " + mode + " mode:");
                    message.lines().skip(1).forEach(line -> System.out.println("#   " + line));
                    continue;
                }
                if (!mode.equals("session")) {
                    var problem = MultiplexProbe.check(poolers.get(target));
                    if (problem.isPresent()) {
                        unavailable.put(target, "does not pool in " + mode + " mode (" + problem.get() + ")");
                        poolers.remove(target).close();
                        continue;
                    }
                }
                warmUp(target);
            }
        }

        /**
         * Runs, unmeasured, a new connection per transaction and then every workload and protocol of the plan
         * through the pooler before its first cell: a JIT compiles a path only once it has run often, and a pooler in
         * production runs for weeks. Without it the cells paid for compilation: tpcb-like's extended path cost
         * Tidepool about two seconds of C2 compilation in the first 15 s after a select-only warm-up, and each
         * cell's burst of 50 or 200 logins compiled the login path anew for the first dozens of bursts (200
         * connections cost Tidepool 210-460 ms of CPU in the first bursts, 35 ms once compiled; with 16,000
         * transactions in a tpcb-like cell that was 13-29 us per transaction). The churn run gives the login path
         * thousands of logins. Clients: more than the pool, so that clients wait.
         */
        private void warmUp(Target target) {
            if (plan.warmupSeconds() == 0) {
                return;
            }
            Pooler pooler = poolers.get(target);
            int clients = Math.min(Math.max(10, plan.poolSizeFor(mode) + 10), plan.maxClients());
            var runs = new ArrayList<Map.Entry<Workload, String>>();
            runs.add(Map.entry(Workload.CONNECT_PER_TRANSACTION, "simple"));
            for (Workload workload : plan.workloads()) {
                for (String protocol : plan.protocols()) {
                    if (!lacksPreparedStatements(target, protocol)) {
                        runs.add(Map.entry(workload, protocol));
                    }
                }
            }
            for (var run : runs) {
                Outcome warm = runner.run(pooler.target(DATABASE), run.getKey(), run.getValue(), clients,
                        plan.warmupSeconds(), pooler);
                if (!(warm instanceof Outcome.Measured)) {
                    System.out.println("# warning: warm-up (" + run.getKey().label() + ", " + run.getValue()
                            + ") through " + target.label() + " failed: " + warm);
                }
            }
        }

        private Map<Target, Outcome> measure(Workload workload, String protocol, int count) {
            Map<Target, Outcome> outcomes = new EnumMap<>(Target.class);
            Map<Target, List<Outcome>> repeated = new EnumMap<>(Target.class);
            for (int run = 1; run < repeat; run++) {
                // Extra runs first, the poolers alternating; the last run below completes each list.
                for (Target target : plan.targets()) {
                    if (target != Target.DIRECT) {
                        repeated.computeIfAbsent(target, t -> new java.util.ArrayList<>())
                                .add(throughPooler(target, workload, protocol, count));
                    }
                }
            }
            for (Target target : plan.targets()) {
                outcomes.put(target, switch (target) {
                    case DIRECT -> count > plan.directMaxClients()
                            ? new Outcome.Skipped(count + " clients > --direct-max-clients " + plan.directMaxClients())
                            : directResults.computeIfAbsent(workload + "/" + protocol + "/" + count, key -> {
                                awaitFreeSlots(count);
                                return runner.run(primary.target(PostgresNode.SUPERUSER, DATABASE), workload,
                                        protocol, count, plan.durationSeconds(), null);
                            });
                    case PGBOUNCER, TIDEPOOL -> Outcome.median(repeated.getOrDefault(target, List.of()),
                            throughPooler(target, workload, protocol, count));
                });
            }
            return outcomes;
        }

        private Outcome throughPooler(Target target, Workload workload, String protocol, int count) {
            String reason = unavailable.get(target);
            if (reason != null) {
                return new Outcome.Skipped(reason);
            }
            if (lacksPreparedStatements(target, protocol)) {
                return new Outcome.Skipped(BouncerVersion.get() + " has no prepared-statement tracking in " + mode
                        + " mode (max_prepared_statements: PgBouncer 1.21+)");
            }
            Pooler pooler = poolers.get(target);
            awaitFreeSlots(mode.equals("session") ? count : plan.poolSize());
            return runner.run(pooler.target(DATABASE), workload, protocol, count, plan.durationSeconds(), pooler);
        }

        /** PgBouncer before 1.21 cannot run {@code -M prepared} in transaction or statement mode. */
        private boolean lacksPreparedStatements(Target target, String protocol) {
            return target == Target.PGBOUNCER && protocol.equals("prepared") && !mode.equals("session")
                    && !BouncerVersion.get().tracksPreparedStatements();
        }

        /**
         * Waits (up to 30 s) until PostgreSQL has {@code needed} connection slots free: a pooler's idle server
         * connections from the previous cell close after server_idle_timeout (2 s).
         */
        private void awaitFreeSlots(int needed) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int limit = plan.maxConnections() - 2;
            while (System.nanoTime() - deadline < 0) {
                String used = primary.queryString("select count(*) from pg_stat_activity"
                        + " where backend_type = 'client backend'");
                if (used != null && Integer.parseInt(used) + needed <= limit) {
                    return;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            System.out.println("# warning: fewer than " + needed + " PostgreSQL connection slots free after 30 s");
        }
    }

    /** The PgBouncer binary's version ({@code pgbouncer --version}), looked up once. */
    record BouncerVersion(String text, int major, int minor) {
        private static @Nullable BouncerVersion cached;

        static synchronized BouncerVersion get() {
            if (cached == null) {
                String binary = System.getenv().getOrDefault("PGBOUNCER", "/usr/sbin/pgbouncer");
                String out = firstLine(ProcessRunner.of(binary, "--version").run().stdout());
                var matcher = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(out);
                cached = matcher.find()
                        ? new BouncerVersion(out, Integer.parseInt(matcher.group(1)),
                                Integer.parseInt(matcher.group(2)))
                        : new BouncerVersion(out.isEmpty() ? "PgBouncer (version unknown)" : out, 0, 0);
            }
            return cached;
        }

        /** Protocol-level prepared statements in transaction mode arrived in PgBouncer 1.21. */
        boolean tracksPreparedStatements() {
            return major > 1 || major == 1 && minor >= 21;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
