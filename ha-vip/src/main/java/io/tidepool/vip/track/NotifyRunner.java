package io.tidepool.vip.track;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Runs keepalived's {@code notify_master}/{@code notify_backup}/{@code notify_fault} commands in transition order (one
 * virtual thread, like keepalived's notify FIFO), each with a timeout, so a slow script never delays the VRRP thread.
 */
public final class NotifyRunner implements AutoCloseable {
    private final ExecutorService queue = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("vrrp-notify")
            .factory());
    private final Duration timeout;
    private final Consumer<String> log;

    public NotifyRunner(Duration timeout, Consumer<String> log) {
        this.timeout = timeout;
        this.log = log;
    }

    /** Queues {@code command}; returns at once. */
    public void submit(String what, String command) {
        try {
            queue.execute(() -> {
                ScriptRunner.Result result = ScriptRunner.run(command, timeout);
                if (!result.success()) {
                    log.accept(what + " '" + command + "' failed: " + result.detail());
                }
            });
        } catch (RejectedExecutionException closing) {
            log.accept(what + " '" + command + "' not run: shutting down");
        }
    }

    @Override
    public void close() {
        queue.shutdown();
        try {
            if (!queue.awaitTermination(timeout.toMillis() + 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                queue.shutdownNow();
            }
        } catch (InterruptedException e) {
            queue.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
