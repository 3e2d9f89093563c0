package io.tidepool.perf;

import io.tidepool.testkit.PgBouncerProcess;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * A running pooler the harness measures: where clients connect and which process to charge CPU time to. Owned by
 * {@link SideBySide}, which closes it when a pool mode's cells are done.
 */
sealed interface Pooler extends AutoCloseable permits Pooler.PgBouncer, TidepoolInstance {

    /** The client target for {@code database} as the superuser. */
    PgTarget target(String database);

    /** The operating-system process whose tree's CPU time counts as the pooler's. */
    long pid();

    @Override
    void close();

    /** Starts Debian's PgBouncer (or {@code $PGBOUNCER}) through the test kit with {@code setup}. */
    static Pooler pgbouncer(PoolerSetup setup) {
        PgBouncerProcess.Builder builder = PgBouncerProcess.builder();
        setup.databases().forEach(builder::database);
        setup.settings().forEach(builder::setting);
        return new PgBouncer(builder.start());
    }

    /** A {@link PgBouncerProcess}; its pid comes from the pidfile the test kit configures. */
    record PgBouncer(PgBouncerProcess process) implements Pooler {
        @Override
        public PgTarget target(String database) {
            return process.target(PostgresNode.SUPERUSER, database);
        }

        @Override
        public long pid() {
            try {
                return Long.parseLong(Files.readString(process.directory().resolve("pgbouncer.pid")).trim());
            } catch (IOException e) {
                throw new UncheckedIOException("pgbouncer wrote no pidfile in " + process.directory(), e);
            }
        }

        @Override
        public void close() {
            process.close();
        }

        @Override
        public String toString() {
            return process.toString();
        }
    }

    /** Settings as they would appear in the ini, for printing. */
    static String describe(Map<String, String> settings) {
        var text = new StringBuilder();
        settings.forEach((key, value) -> text.append(text.isEmpty() ? "" : ", ").append(key).append('=').append(value));
        return text.toString();
    }
}
