package io.tidepool.vip.track;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs every track script and the {@link HealthSource} on its own virtual thread at its interval, applies rise/fall,
 * and publishes a {@link Verdict}: the sum of the weights in force and, if a weight-0 check failed, the FAULT reason.
 * keepalived's rule (VRRP-NOTES §3): weight &gt; 0 counts while OK, weight &lt; 0 while FAILED, weight 0 FAILED means
 * FAULT.
 *
 * <p>Thread-safe: checks publish under a lock; {@link #verdict()} is a volatile read for the VRRP thread.
 */
public final class Tracker implements AutoCloseable {
    /**
     * @param weightSum sum of the weights in force (clamping is the state machine's job)
     * @param fault     why the instance must be in FAULT, or null
     * @param change    the last change, for the log line ("track_script chk: FAILED (exit 1), weight -60")
     * @param version   increments on every change; the VRRP thread compares it to notice a change cheaply
     */
    public record Verdict(int weightSum, @Nullable String fault, String change, long version) {
    }

    private record Check(ScriptSpec spec, @Nullable HealthSource health) {
        String label() {
            return health == null ? "track_script " + spec.name() : spec.name();
        }
    }

    private final List<Check> checks = new ArrayList<>();
    private final CheckStatus[] statuses;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Consumer<String> log;
    private volatile Verdict verdict = new Verdict(0, null, "no checks run yet", 0);
    private volatile boolean closed;

    /**
     * @param scripts the instance's track scripts
     * @param health  the pooler's health, or null for none
     * @param healthSpec interval/timeout/weight/rise/fall for {@code health} (its script text is unused)
     * @param log     receives one line per status change
     */
    public Tracker(List<ScriptSpec> scripts, @Nullable HealthSource health, ScriptSpec healthSpec,
                   Consumer<String> log) {
        for (ScriptSpec spec : scripts) {
            checks.add(new Check(spec, null));
        }
        if (health != null && health != HealthSource.NONE) {
            checks.add(new Check(healthSpec, health));
        }
        statuses = new CheckStatus[checks.size()];
        java.util.Arrays.fill(statuses, CheckStatus.UNKNOWN);
        this.log = log;
    }

    /** Starts one virtual thread per check. */
    public void start() {
        for (int i = 0; i < checks.size(); i++) {
            int index = i;
            threads.execute(() -> loop(index));
        }
    }

    public Verdict verdict() {
        return verdict;
    }

    /** Whether any check has not produced its first result yet. */
    public synchronized boolean pending() {
        for (CheckStatus status : statuses) {
            if (status == CheckStatus.UNKNOWN) {
                return true;
            }
        }
        return false;
    }

    private void loop(int index) {
        Check check = checks.get(index);
        var riseFall = new RiseFall(check.spec().rise(), check.spec().fall());
        CheckStatus previous = CheckStatus.UNKNOWN;
        long intervalNanos = check.spec().interval().toNanos();
        while (!closed) {
            long started = System.nanoTime();
            ScriptRunner.Result result = probe(check);
            if (closed) {
                return;
            }
            CheckStatus status = riseFall.record(result.success());
            if (status != previous) {
                publish(index, status, check.label() + ": " + status + " (" + result.detail() + ")");
                previous = status;
            }
            long sleep = intervalNanos - (System.nanoTime() - started);
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private ScriptRunner.Result probe(Check check) {
        HealthSource health = check.health();
        if (health == null) {
            return ScriptRunner.run(check.spec().script(), check.spec().timeout());
        }
        Future<Boolean> call = threads.submit(health::healthy);
        try {
            boolean healthy = call.get(check.spec().timeout().toNanos(), TimeUnit.NANOSECONDS);
            return new ScriptRunner.Result(healthy, healthy ? "healthy" : "unhealthy");
        } catch (TimeoutException e) {
            call.cancel(true);
            return new ScriptRunner.Result(false, "timed out after " + check.spec().timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ScriptRunner.Result(false, "interrupted");
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new ScriptRunner.Result(false, "threw " + cause);
        }
    }

    private synchronized void publish(int index, CheckStatus status, String change) {
        statuses[index] = status;
        int sum = 0;
        String fault = null;
        for (int i = 0; i < checks.size(); i++) {
            int weight = checks.get(i).spec().weight();
            if (weight > 0 && statuses[i] == CheckStatus.OK || weight < 0 && statuses[i] == CheckStatus.FAILED) {
                sum += weight;
            } else if (weight == 0 && statuses[i] == CheckStatus.FAILED && fault == null) {
                fault = checks.get(i).label() + " failed";
            }
        }
        int weight = checks.get(index).spec().weight();
        String line = change + (weight == 0 ? ", no weight (FAULT on failure)" : ", weight " + weight);
        verdict = new Verdict(sum, fault, line, verdict.version() + 1);
        log.accept(line);
    }

    /** Waits up to {@code timeout} for every check's first result (used at start-up so we do not start wrong). */
    public void awaitFirstResults(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending() && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        closed = true;
        threads.shutdownNow();
    }
}
