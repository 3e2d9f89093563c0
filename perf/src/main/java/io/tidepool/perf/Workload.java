package io.tidepool.perf;

import java.util.List;
import java.util.Locale;

/** pgbench's built-in scripts that the harness runs. */
enum Workload {
    /** {@code -S}: one {@code SELECT abalance FROM pgbench_accounts WHERE aid = :aid} per transaction. */
    SELECT_ONLY("select-only", List.of("-S")),
    /** The default TPC-B-like script: BEGIN, three UPDATEs, a SELECT, an INSERT, END. */
    TPCB_LIKE("tpcb-like", List.of("-b", "tpcb-like")),
    /**
     * {@code -S -C}: the select-only script with a new connection for every transaction (StartupMessage, login,
     * welcome, one SELECT, Terminate): the pooler's cost of a login.
     */
    CONNECT_PER_TRANSACTION("connect-per-tx", List.of("-S", "-C"));

    private final String label;
    private final List<String> pgbenchArgs;

    Workload(String label, List<String> pgbenchArgs) {
        this.label = label;
        this.pgbenchArgs = pgbenchArgs;
    }

    String label() {
        return label;
    }

    /** The pgbench options that select this script. */
    List<String> pgbenchArgs() {
        return pgbenchArgs;
    }

    static Workload parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (Workload workload : values()) {
            if (workload.label.equals(wanted) || workload.name().toLowerCase(Locale.ROOT).equals(wanted)
                    || workload == SELECT_ONLY && wanted.equals("-s")) {
                return workload;
            }
        }
        throw new IllegalArgumentException("workload: \"" + value
                + "\" (expected: select-only, tpcb-like or connect-per-tx)");
    }
}
