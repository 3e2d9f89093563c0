package io.tidepool.pooler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidepool.testkit.TempDirs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Differential check against a real PgBouncer (the Debian package, 1.18): for every key its {@code SHOW CONFIG}
 * lists, our default, formatted as SHOW CONFIG prints it, equals PgBouncer's {@code default} column, and our
 * reloadability equals its {@code changeable} column, except for the keys in {@link #DELIBERATE} (each with its
 * reason). Skips when {@code /usr/sbin/pgbouncer} or {@code psql} is missing. PgBouncer refuses to run as root, so
 * as root it is started through {@code runuser -u postgres}; it is stopped with the console's SHUTDOWN (and killed
 * if that fails).
 */
class PgBouncerDefaultsIT {
    private static final Path PGBOUNCER = Path.of("/usr/sbin/pgbouncer");
    private static final Path PSQL = Path.of("/usr/bin/psql");

    /** Keys whose default we deliberately print differently from PgBouncer 1.18, and why. */
    private static final Map<String, String> DELIBERATE = Map.of(
            "max_packet_size", "Tidepool: PostgreSQL's own 1 GiB cap instead of 2147483647 (RELIABILITY §3)",
            "verbose", "PgBouncer's C default is NULL, so its default column is empty; the value is 0 (docs: 0)",
            "conffile", "PgBouncer prints the file it was started with as the value and nothing as default; we too, "
                    + "but the IT's file is not ours",
            "client_tls_ciphers", "1.18: fast; PgBouncer 1.25.2 (our reference): default",
            "server_tls_ciphers", "1.18: fast; PgBouncer 1.25.2 (our reference): default",
            "server_check_query", "1.18: select 1; PgBouncer 1.25.2 (our reference): <empty> (an empty query)",
            "server_tls_sslmode", "1.18: disable; PgBouncer 1.25.2 (our reference): prefer");

    /** Keys whose {@code changeable} column differs between 1.18 and 1.25.2. */
    private static final Map<String, String> CHANGEABLE_DIFFERS = Map.of();

    @Test
    void defaultsMatchShowConfigOfARealPgBouncer() throws Exception {
        assumeTrue(Files.isExecutable(PGBOUNCER), "PgBouncer is not installed (" + PGBOUNCER + "); skipping");
        assumeTrue(Files.isExecutable(PSQL), "psql is not installed (" + PSQL + "); skipping");
        var rows = showConfig();
        System.out.println("PgBouncer SHOW CONFIG rows: " + rows.size());

        var mismatches = new ArrayList<String>();
        for (var row : rows.entrySet()) {
            var name = row.getKey();
            var key = Keys.byName(name);
            if (key.isEmpty()) {
                mismatches.add(name + ": listed by PgBouncer, unknown to Keys");
                continue;
            }
            var ours = key.get().formatUnchecked(key.get().defaultValue());
            var theirs = row.getValue()[0];
            if (!ours.equals(theirs) && !DELIBERATE.containsKey(name)) {
                mismatches.add(name + ": default \"" + ours + "\", PgBouncer \"" + theirs + "\"");
            }
            if (ours.equals(theirs) && DELIBERATE.containsKey(name) && !name.equals("conffile")) {
                mismatches.add(name + ": listed as deliberately different but equal; remove it from DELIBERATE");
            }
            var changeable = row.getValue()[1].equals("yes");
            if (changeable != key.get().reloadable() && !CHANGEABLE_DIFFERS.containsKey(name)) {
                mismatches.add(name + ": reloadable " + key.get().reloadable() + ", PgBouncer changeable "
                        + row.getValue()[1]);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(rows).hasSizeGreaterThan(80);
    }

    /** Starts PgBouncer with a minimal ini on a free loopback port; returns key -> {default, changeable}. */
    private static Map<String, String[]> showConfig() throws IOException, InterruptedException {
        var dir = TempDirs.create("pgbouncer-it");
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var ini = dir.resolve("pgbouncer.ini");
        Files.writeString(ini, """
                [databases]
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = any
                admin_users = pgbouncer
                logfile = %s
                """.formatted(port, dir.resolve("pgbouncer.log")));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "-R", "postgres", dir.toString()));
        }
        var command = new ArrayList<String>();
        if (root) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of(PGBOUNCER.toString(), ini.toString()));
        var process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        try {
            var psql = List.of(PSQL.toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "pgbouncer",
                    "-At", "-F", "\t", "-c", "SHOW CONFIG", "pgbouncer");
            String out = null;
            for (int attempt = 0; attempt < 50 && out == null; attempt++) {
                out = run(psql);
                if (out == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(out).as("psql SHOW CONFIG; PgBouncer log:\n" + Files.readString(dir.resolve("stdout.log")))
                    .isNotNull();
            var rows = new LinkedHashMap<String, String[]>();
            for (var line : out.split("\n")) {
                var cols = line.split("\t", -1);
                if (cols.length == 4) {
                    rows.put(cols[0], new String[] {cols[2], cols[3]});
                }
            }
            run(List.of(PSQL.toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "pgbouncer",
                    "-c", "SHUTDOWN", "pgbouncer"));
            return rows;
        } finally {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            TempDirs.delete(dir);
        }
    }

    /** Runs a command; its stdout when it exits 0, else null. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        var p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : null;
    }
}
