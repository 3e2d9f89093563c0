package io.tidepool.pooler.admin;

import io.tidepool.pooler.it.TidepoolFixture;
import io.tidepool.testkit.PgBouncerProcess;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.Pgbench;
import io.tidepool.testkit.PgbenchSummary;
import io.tidepool.testkit.PortAllocator;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin console and the metrics endpoint against real PostgreSQL, psql (simple protocol) and pgjdbc (extended
 * protocol, default settings): PgBouncer's columns for every SHOW, the pgbouncer_exporter queries, statistics under a
 * known pgbench load, RELIABILITY cases 61–65, and the Prometheus text output. One pooler in transaction mode
 * (admin_users = postgres, stats_users = stats) shared by the tests; no test changes its state for another.
 */
@ExtendWith(PostgresLogOnFailure.class)
class AdminConsoleIT {
    private static final String SECRET_PASSWORD = "Sup3rS3cretDbPw";
    private static final String SECRET_LDAP = "ldapS3cretBindPw";
    private static PostgresNode postgres;
    private static TidepoolFixture pooler;
    private static int metricsPort;

    @BeforeAll
    static void start() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_admin");
        postgres.execute("create database it_admin");
        metricsPort = PortAllocator.freePort();
        pooler = TidepoolFixture.builder(postgres).database("bench", "it_admin")
                .databaseEntry("secretdb", "dbname=it_admin password=" + SECRET_PASSWORD)
                .set("pool_mode", "transaction").set("default_pool_size", 4).set("max_client_conn", 200)
                .set("admin_users", "postgres").set("stats_users", "stats").set("stats_period", 1)
                .set("auth_ldap_options", "\"binddn=cn=x bindpasswd=" + SECRET_LDAP + "\"")
                .extra("[metrics]\nlisten_addr = 127.0.0.1\nlisten_port = " + metricsPort).start();
    }

    @AfterAll
    static void stop() {
        if (pooler != null) {
            pooler.close();
        }
    }

    private static PgTarget admin() {
        return pooler.target("pgbouncer");
    }

    private static PgTarget stats() {
        return pooler.target("pgbouncer").withUser("stats");
    }

    // ---- columns ---------------------------------------------------------------------------------------------

    @Test
    void everyShowAnswersWithPgBouncersColumnsOverPsqlAndJdbc() throws Exception {
        try (Connection jdbc = admin().connect()) {                        // default: extended protocol
            for (ShowCommand command : ShowCommand.values()) {
                if (command == ShowCommand.FDS || command == ShowCommand.HELP || command == ShowCommand.HOSTS
                        || command == ShowCommand.VRRP) {
                    continue;                       // HOSTS and VRRP are Tidepool's own; checked below by name
                }
                List<String> reference = PgBouncerColumns.V1_25_2.get(command.name());
                assertThat(Console.psqlColumns(admin(), "SHOW " + command.name())).as("psql SHOW " + command)
                        .containsExactlyElementsOf(PgBouncerColumns.names(reference));
                assertThat(Console.jdbcColumns(jdbc, "SHOW " + command.name())).as("JDBC SHOW " + command)
                        .containsExactlyElementsOf(Console.asWire(reference));
            }
            assertThat(Console.psqlError(admin(), "SHOW FDS")).contains("not supported");
            assertThatThrownBy(() -> Console.jdbcColumns(jdbc, "SHOW FDS")).hasMessageContaining("not supported");
            assertThat(Console.jdbcColumns(jdbc, "SHOW VERSION")).containsExactly("version:s");
            assertThat(Console.psqlColumns(admin(), "SHOW HOSTS")).startsWith("hosts", "host", "role", "state");
            assertThat(Console.psqlColumns(admin(), "SHOW VRRP")).startsWith("virtual_router_id", "interface",
                    "state");
        }
        var help = io.tidepool.testkit.Psql.run(admin(), "-c", "SHOW HELP").requireSuccess();
        assertThat(help.stderr()).contains("SHOW HELP|CONFIG|DATABASES");
    }

    /**
     * Differential: the Debian PgBouncer 1.18 answers the same SHOW commands; every column it has, we have too
     * (1.25 renamed reserve_pool to reserve_pool_size). The columns 1.25 added are printed, not asserted.
     */
    @Test
    void pgBouncer118sColumnsAreASubsetOfOurs() {
        try (PgBouncerProcess bouncer = PgBouncerProcess.builder().database("bench", postgres).start()) {
            PgTarget real = bouncer.target(PostgresNode.SUPERUSER, "pgbouncer");
            for (ShowCommand command : ShowCommand.values()) {
                if (command == ShowCommand.HELP || command == ShowCommand.FDS || command == ShowCommand.HOSTS
                        || command == ShowCommand.VRRP) {
                    continue;
                }
                var result = io.tidepool.testkit.Psql.run(real, "-A", "-c", "SHOW " + command.name());
                if (!result.succeeded()) {
                    System.out.printf("PgBouncer 1.18 lacks SHOW %s: %s%n", command, result.stderr().strip());
                    continue;
                }
                List<String> theirs = new ArrayList<>(List.of(result.stdout().lines().findFirst().orElse("")
                        .split("\\|")));
                List<String> ours = PgBouncerColumns.names(PgBouncerColumns.V1_25_2.get(command.name()));
                theirs.replaceAll(c -> c.equals("reserve_pool") ? "reserve_pool_size" : c);
                List<String> added = ours.stream().filter(c -> !theirs.contains(c)).toList();
                System.out.printf("SHOW %s: 1.25.2 adds %s to 1.18%n", command, added);
                assertThat(ours).as("SHOW " + command + " vs PgBouncer 1.18").containsAll(theirs);
            }
        }
    }

    /**
     * SHOW MEM's netty rows report the allocator the connections read into: after queries through the pooler it
     * holds memory (the rows once read Netty's pooled allocator, which Netty 4.2 no longer uses, and showed 0).
     */
    @Test
    void showMemReportsTheBuffersTheConnectionsUse() {
        io.tidepool.testkit.Psql.run(pooler.target("bench"), "-c", "SELECT repeat('x', 100000)").requireSuccess();
        Map<String, String[]> mem = new java.util.HashMap<>();
        Console.psqlRows(admin(), "SHOW MEM").forEach(row -> mem.put(row[0], row));
        assertThat(mem).containsKeys("jvm_heap", "netty_direct", "netty_heap");
        assertThat(Long.parseLong(mem.get("netty_direct")[2])).as("netty_direct used").isPositive();
    }

    // ---- numbers under a known load ----------------------------------------------------------------------------

    @Test
    void statsCountExactlyThePgbenchTransactions(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path script = dir.resolve("four.sql");
        Files.writeString(script, "BEGIN;\nSELECT 1;\nSELECT 2;\nEND;\n");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, Long> before = statsTotals("bench");
        int clients = 4;
        int perClient = 50;
        PgbenchSummary run = Pgbench.benchmark(pooler.target("bench"), Duration.ofMinutes(2), "-n", "-f",
                script.toString(), "-c", Integer.toString(clients), "-t", Integer.toString(perClient));
        assertThat(run.failedTransactions()).isZero();
        Map<String, Long> after = statsTotals("bench");
        long xacts = after.get("xact_count") - before.get("xact_count");
        long queries = after.get("query_count") - before.get("query_count");
        System.out.printf("pgbench %d x %d: SHOW STATS_TOTALS counted %d transactions, %d queries, %d bytes in, "
                        + "%d bytes out, xact_time %d us, wait_time %d us%n", clients, perClient, xacts, queries,
                after.get("bytes_received") - before.get("bytes_received"),
                after.get("bytes_sent") - before.get("bytes_sent"), after.get("xact_time") - before.get("xact_time"),
                after.get("wait_time") - before.get("wait_time"));
        assertThat(xacts).isEqualTo((long) clients * perClient);
        assertThat(queries).isEqualTo(4L * clients * perClient);
        assertThat(after.get("bytes_received")).isGreaterThan(before.get("bytes_received"));
        assertThat(after.get("xact_time")).isGreaterThan(before.get("xact_time"));
        String[] stats = Console.psqlRows(admin(), "SHOW STATS").stream().filter(r -> r[0].equals("bench"))
                .findFirst().orElseThrow();
        assertThat(Long.parseLong(stats[2])).as("total_xact_count").isEqualTo(after.get("xact_count"));

        // The same figures on /metrics, parsed strictly.
        var scrape = PrometheusText.parse(http("/metrics").body());
        double promXacts = scrape.value("tidepool_transactions_total", Map.of("database", "bench"));
        assertThat(scrape.value("tidepool_pool_xact_seconds_total", Map.of("database", "bench")))
                .isGreaterThanOrEqualTo((after.get("xact_time") - before.get("xact_time")) / 1e6);
        System.out.println("tidepool_transactions_total{database=bench} = " + promXacts);
        assertThat((long) promXacts).isGreaterThanOrEqualTo(after.get("xact_count"));
        assertThat(scrape.types).containsEntry("tidepool_xact_time_seconds", "histogram");
        assertThat(scrape.value("tidepool_xact_time_seconds_count", Map.of("database", "bench")))
                .isGreaterThanOrEqualTo(clients * perClient);
        for (String gauge : List.of("tidepool_pool_cl_active", "tidepool_pool_cl_waiting", "tidepool_pool_sv_active",
                "tidepool_pool_sv_idle", "tidepool_pool_sv_used", "tidepool_pool_sv_tested", "tidepool_pool_sv_login",
                "tidepool_pool_maxwait_seconds", "tidepool_queries_total", "tidepool_bytes_received_total",
                "tidepool_bytes_sent_total", "tidepool_pool_xact_seconds_total", "tidepool_pool_query_seconds_total",
                "tidepool_pool_wait_seconds_total", "tidepool_server_assignments_total",
                "tidepool_auth_failures_total")) {
            assertThat(scrape.types).as(gauge).containsKey(gauge);
        }
        assertThat(http("/health/live").statusCode()).isEqualTo(200);
        assertThat(http("/health/ready").statusCode()).isEqualTo(200);
        assertThat(http("/nope").statusCode()).isEqualTo(404);
    }

    private static Map<String, Long> statsTotals(String db) throws SQLException {
        try (Connection c = admin().connect(); var st = c.createStatement();
             var rs = st.executeQuery("SHOW STATS_TOTALS")) {
            while (rs.next()) {
                if (rs.getString("database").equals(db)) {
                    Map<String, Long> row = new LinkedHashMap<>();
                    for (int i = 2; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                    }
                    return row;
                }
            }
        }
        return Map.of("xact_count", 0L, "query_count", 0L, "bytes_received", 0L, "bytes_sent", 0L, "xact_time", 0L,
                "wait_time", 0L);
    }

    private static HttpResponse<String> http(String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    // ---- pgbouncer_exporter ------------------------------------------------------------------------------------

    /** The queries prometheus-community/pgbouncer_exporter runs (collector.go), with its trailing semicolons. */
    @Test
    void exporterQueriesAnswerByColumnName() throws Exception {
        Map<String, List<String>> wanted = Map.of(
                "SHOW STATS_TOTALS;", List.of("database", "query_count", "query_time", "bytes_received", "bytes_sent",
                        "wait_time", "xact_count", "xact_time"),
                "SHOW POOLS;", List.of("database", "user", "cl_active", "cl_waiting", "sv_active", "sv_idle",
                        "sv_used", "sv_tested", "sv_login", "maxwait"),
                "SHOW DATABASES;", List.of("name", "host", "port", "database", "force_user", "pool_size",
                        "pool_mode", "max_connections", "current_connections", "paused", "disabled"),
                "SHOW LISTS;", List.of("list", "items"),
                "SHOW CONFIG;", List.of("key", "value", "default", "changeable"),
                "SHOW CLIENTS;", List.of("database", "user", "application_name", "state"),
                "SHOW VERSION;", List.of("version"));
        try (Connection jdbc = admin().connect()) {
            for (var entry : wanted.entrySet()) {
                assertThat(Console.psqlColumns(admin(), entry.getKey())).as(entry.getKey())
                        .containsAll(entry.getValue());
                assertThat(Console.jdbcColumns(jdbc, entry.getKey()).stream()
                        .map(c -> c.substring(0, c.indexOf(':'))).toList()).as(entry.getKey())
                        .containsAll(entry.getValue());
            }
        }
        // The exporter parses these as floats.
        for (String[] row : Console.psqlRows(admin(), "SHOW LISTS;")) {
            Double.parseDouble(row[1]);
        }
        Map<String, String> config = new LinkedHashMap<>();
        Console.psqlRows(admin(), "SHOW CONFIG;").forEach(r -> config.put(r[0], r[1]));
        assertThat(Double.parseDouble(config.get("max_client_conn"))).isEqualTo(200);
        Double.parseDouble(config.get("max_user_connections"));
        assertThat(Console.psqlRows(admin(), "SHOW VERSION;").getFirst()[0]).startsWith("PgBouncer 1.25.2");
    }

    // ---- RELIABILITY cases 61–65 --------------------------------------------------------------------------------

    /** Case 61: a stats user gets "admin access needed" for every state-changing command, and nothing changes. */
    @Test
    void statsUsersCannotChangeAnything() {
        for (String command : List.of("PAUSE", "PAUSE bench", "RESUME", "RESUME bench", "SUSPEND", "KILL bench",
                "KILL", "KILL_CLIENT 1", "RECONNECT", "RECONNECT bench", "DISABLE bench", "ENABLE bench", "RELOAD",
                "SET default_pool_size = 1", "SHUTDOWN", "SHUTDOWN WAIT_FOR_SERVERS", "SHUTDOWN WAIT_FOR_CLIENTS",
                "WAIT_CLOSE", "WAIT_CLOSE bench", "SHOW FDS")) {
            assertThat(Console.psqlError(stats(), command)).as(command).contains("admin access needed");
        }
        assertThat(Console.psqlRows(stats(), "SHOW STATE").getFirst()).containsExactly("active", "yes");
        String[] bench = Console.psqlRows(admin(), "SHOW DATABASES").stream().filter(r -> r[0].equals("bench"))
                .findFirst().orElseThrow();
        assertThat(bench[5]).as("pool_size").isEqualTo("4");
        assertThat(bench[15] + bench[16]).as("paused, disabled").isEqualTo("00");
        assertThat(Console.psqlRows(stats(), "SHOW POOLS")).isNotEmpty();
        // Anyone else is refused at login with PgBouncer's message.
        assertThat(Console.psqlError(pooler.target("pgbouncer").withUser("mallory"), "SHOW POOLS"))
                .contains("not allowed");
        assertThat(Console.psqlError(pooler.target("tidepool").withUser("mallory"), "SHOW POOLS"))
                .contains("not allowed");
    }

    /** Case 62: one statement per query string, for stats and admin users alike. */
    @Test
    void noSecondStatementIsSmuggled() {
        for (PgTarget user : List.of(stats(), admin())) {
            for (String query : List.of("SHOW POOLS; SHUTDOWN", "show pools;shutdown", "SHOW/**/POOLS;KILL bench",
                    "SHOW POOLS -- ; SHUTDOWN", "SHOW POOLS;\nPAUSE")) {
                assertThat(Console.psqlError(user, query)).as(query).contains("invalid command");
            }
        }
        assertThat(Console.psqlRows(admin(), "SHOW STATE").getFirst()).containsExactly("active", "yes");
        assertThat(Console.psqlRows(pooler.target("bench"), "SELECT 1").getFirst()).containsExactly("1");
    }

    /** Case 63: BEGIN, COPY and SQL get a clean error; the connection stays usable (simple and extended). */
    @Test
    void transactionsAndCopyAreRefusedCleanly() throws Exception {
        try (Connection jdbc = admin().connect()) {
            for (String sql : List.of("BEGIN", "COPY pools TO stdout", "SELECT 1", "")) {
                if (sql.isEmpty()) {
                    assertThat(jdbc.isValid(5)).isTrue();            // pgjdbc's empty query
                    continue;
                }
                assertThatThrownBy(() -> jdbc.createStatement().execute(sql)).as(sql)
                        .hasMessageContaining("invalid command");
                assertThat(Console.jdbcColumns(jdbc, "SHOW STATE")).hasSize(2);
            }
            jdbc.setAutoCommit(false);                              // pgjdbc then sends BEGIN itself
            assertThatThrownBy(() -> Console.jdbcColumns(jdbc, "SHOW STATE")).hasMessageContaining("invalid command");
        }
        assertThat(Console.psqlError(admin(), "BEGIN")).contains("invalid command");
        assertThat(Console.psqlError(admin(), "COPY pools TO stdout")).contains("invalid command");
    }

    /** Case 64: no password, SCRAM secret or auth option value in any SHOW output. */
    @Test
    void noSecretIsShown() throws Exception {
        try (Connection held = pooler.target("secretdb").connect()) {       // so SERVERS/CLIENTS have rows
            held.createStatement().execute("SELECT 1");
            for (PgTarget user : List.of(stats(), admin())) {
                for (String command : List.of("SHOW CONFIG", "SHOW USERS", "SHOW DATABASES", "SHOW SERVERS",
                        "SHOW CLIENTS", "SHOW POOLS", "SHOW SOCKETS", "SHOW LISTS")) {
                    String out = io.tidepool.testkit.Psql.run(user, "-A", "-c", command).requireSuccess().stdout();
                    assertThat(out).as(command).doesNotContain(SECRET_PASSWORD).doesNotContain(SECRET_LDAP)
                            .doesNotContainIgnoringCase("SCRAM-SHA-256$");
                }
            }
        }
        var ldap = Console.psqlRows(admin(), "SHOW CONFIG").stream().filter(r -> r[0].equals("auth_ldap_options"))
                .findFirst().orElseThrow();
        assertThat(ldap[1]).isEmpty();
    }

    /** Case 65: specific errors for bad ids, unknown or invalid SET, a 1 MB command; nothing half-applied. */
    @Test
    void badInputGetsSpecificErrors() throws Exception {
        assertThat(Console.psqlError(admin(), "KILL_CLIENT abc")).contains("invalid client pointer supplied");
        assertThat(Console.psqlError(admin(), "KILL_CLIENT 987654321")).contains("client not found");
        assertThat(Console.psqlError(admin(), "KILL_CLIENT 18446744073709551616")).contains("client not found");
        assertThat(Console.psqlError(admin(), "SET unknown_key = 1")).contains("unknown parameter");
        assertThat(Console.psqlError(admin(), "SET auth_type = 'bogus'")).contains("auth_type");
        assertThat(Console.psqlError(admin(), "SET listen_port = 1234")).contains("restart");
        Map<String, String> config = new LinkedHashMap<>();
        Console.psqlRows(admin(), "SHOW CONFIG").forEach(r -> config.put(r[0], r[1]));
        assertThat(config.get("auth_type")).isEqualTo("trust");
        try (Connection jdbc = admin().connect()) {
            String huge = "SHOW " + "x".repeat(1 << 20);
            assertThatThrownBy(() -> jdbc.createStatement().execute(huge)).hasMessageContaining("too long");
            assertThat(Console.jdbcColumns(jdbc, "SHOW STATE")).hasSize(2);      // still usable
        }
        // SET that is valid applies, and shows.
        assertThat(io.tidepool.testkit.Psql.run(admin(), "-c", "SET query_wait_timeout = 100").requireSuccess()
                .stdout()).contains("SET query_wait_timeout=100");
        Console.psqlRows(admin(), "SHOW CONFIG").forEach(r -> config.put(r[0], r[1]));
        assertThat(config.get("query_wait_timeout")).isEqualTo("100");
    }

    /** KILL_CLIENT with an id from SHOW CLIENTS closes exactly that client. */
    @Test
    void killClientClosesThatClient() throws Exception {
        try (Connection victim = pooler.target("bench").connect()) {
            victim.createStatement().execute("SELECT 1");
            String app = victim.getClientInfo("ApplicationName");
            String id = Console.psqlRows(admin(), "SHOW CLIENTS").stream()
                    .filter(r -> r[2].equals("bench") && r[18].equals(app == null ? "" : app))
                    .map(r -> r[20]).reduce((a, b) -> b).orElseThrow();
            io.tidepool.testkit.Psql.run(admin(), "-c", "KILL_CLIENT " + id).requireSuccess();
            assertThatThrownBy(() -> victim.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        }
    }
}
