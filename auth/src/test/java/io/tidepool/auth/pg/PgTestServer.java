package io.tidepool.auth.pg;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 server for this module's integration tests, started from the installed binaries as the
 * {@code postgres} OS user (we run as root). Private to the auth tests until testkit's {@code PostgresCluster} exists.
 * Listens on 127.0.0.1 and a private Unix socket directory; administration runs through psql over that socket with
 * {@code trust}, so the TCP rules in {@link #setHba} are what the tests exercise.
 */
public final class PgTestServer implements AutoCloseable {
    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final Path data;
    private final int port;

    private PgTestServer(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** initdb + start; extra {@code postgresql.conf} lines are appended before the start. */
    public static PgTestServer start(String... confLines) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tidepool-auth-pg");
        run(List.of("chown", "postgres:postgres", dir.toString()));
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var server = new PgTestServer(dir, port);
        server.asPostgres(BIN.resolve("initdb").toString(), "-D", server.data.toString(), "-A", "trust",
                "-U", "postgres", "--nosync", "-E", "UTF8", "--locale=C");
        var conf = new ArrayList<>(List.of("listen_addresses = '127.0.0.1'", "port = " + port,
                "unix_socket_directories = '" + dir + "'", "log_connections = on", "fsync = off"));
        conf.addAll(List.of(confLines));
        server.asPostgres("sh", "-c", "cat >> '" + server.data.resolve("postgresql.conf") + "' <<'EOF'\n"
                + String.join("\n", conf) + "\nEOF");
        server.asPostgres(BIN.resolve("pg_ctl").toString(), "-D", server.data.toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
        return server;
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return data;
    }

    /** Runs SQL as the superuser over the Unix socket; returns psql's unaligned output. */
    public String sql(String sql) throws IOException, InterruptedException {
        return asPostgres(BIN.resolve("psql").toString(), "-h", dir.toString(), "-p", Integer.toString(port),
                "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-Atqc", sql).strip();
    }

    /** Replaces pg_hba.conf: local trust for administration, then {@code hostLines}; reloads. */
    public void setHba(String... hostLines) throws IOException, InterruptedException {
        String hba = "local all all trust\n" + String.join("\n", hostLines) + "\n";
        asPostgres("sh", "-c", "cat > '" + data.resolve("pg_hba.conf") + "' <<'EOF'\n" + hba + "EOF");
        sql("SELECT pg_reload_conf()");
        Thread.sleep(200);  // the postmaster applies a reload asynchronously
    }

    /** Copies {@code source} into the data directory as {@code name}, owned by postgres, mode 0600. */
    public void installFile(Path source, String name) throws IOException, InterruptedException {
        run(List.of("install", "-o", "postgres", "-g", "postgres", "-m", "600", source.toString(),
                data.resolve(name).toString()));
    }

    /** The server log, for failing tests. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("server.log"));
    }

    @Override
    public void close() throws IOException {
        try {
            asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL", e);
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private String asPostgres(String... command) throws IOException, InterruptedException {
        var full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(command));
        return run(full);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("exit " + process.exitValue() + ": " + command + "\n" + text);
        }
        return text;
    }
}
