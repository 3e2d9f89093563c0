package io.tidepool.perf;

import java.util.Locale;

/** Where pgbench connects: PostgreSQL itself, or one of the two poolers in front of it. */
enum Target {
    DIRECT,
    PGBOUNCER,
    TIDEPOOL;

    /** The spelling on the command line and in table headers. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Target parse(String value) {
        for (Target target : values()) {
            if (target.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return target;
            }
        }
        throw new IllegalArgumentException("target: \"" + value + "\" (expected: direct, pgbouncer or tidepool)");
    }
}
