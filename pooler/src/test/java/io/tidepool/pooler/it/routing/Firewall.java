package io.tidepool.pooler.it.routing;

import io.tidepool.testkit.ProcessResult;
import io.tidepool.testkit.ProcessRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * iptables rules on the loopback interface that cut one TCP port (a test's PostgreSQL node) in both directions, for
 * RELIABILITY cases 40 and 41. Every rule names only that port and carries the comment {@code tidepool-it}; {@link
 * #close()} deletes exactly the rules this instance inserted. Needs root and a usable iptables ({@link #usable()}).
 * One test thread.
 */
final class Firewall implements AutoCloseable {
    private final List<List<String>> inserted = new ArrayList<>();

    /** Why iptables cannot be used here, or null when it can (listing the OUTPUT chain succeeds). */
    static String unusableReason() {
        try {
            ProcessResult result = ProcessRunner.of("iptables", "-w", "5", "-S", "OUTPUT")
                    .timeout(Duration.ofSeconds(10)).run();
            return result.succeeded() ? null : "iptables -S OUTPUT failed: " + result.describe();
        } catch (RuntimeException e) {
            return "iptables not runnable: " + e.getMessage();
        }
    }

    /** Drops every packet to and from {@code port} on lo (silent loss: timeouts). */
    void drop(int port) {
        cut(port, List.of("-j", "DROP"));
    }

    /** Answers every packet to and from {@code port} on lo with a TCP reset (fast failure). */
    void reject(int port) {
        cut(port, List.of("-j", "REJECT", "--reject-with", "tcp-reset"));
    }

    private void cut(int port, List<String> target) {
        for (String direction : List.of("--dport", "--sport")) {
            // Resets pass: the ones REJECT generates carry the port too and must reach the other side.
            List<String> rule = new ArrayList<>(List.of("-o", "lo", "-p", "tcp", direction, Integer.toString(port),
                    "!", "--tcp-flags", "RST", "RST", "-m", "comment", "--comment", "tidepool-it"));
            rule.addAll(target);
            run("-I", rule);
            inserted.add(rule);
        }
    }

    private static void run(String action, List<String> rule) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", "5", action, "OUTPUT"));
        command.addAll(rule);
        ProcessRunner.of(command).timeout(Duration.ofSeconds(10)).run().requireSuccess();
    }

    /** Removes the rules (heals the network). Idempotent. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (List<String> rule : inserted.reversed()) {
            try {
                run("-D", rule);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        inserted.clear();
        if (first != null) {
            throw first;
        }
    }
}
