package io.tidepool.pooler.config;

import io.tidepool.pooler.pool.PoolMode;
import io.tidepool.wire.Limits;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every {@code [pgbouncer]} key of PgBouncer 1.25.2 ({@code bouncer_params[]} in {@code src/main.c}), with PgBouncer's
 * name, default and reloadability ({@code CF_NO_RELOAD} = restart). Defaults are PgBouncer's except where a comment
 * marked "Tidepool:" says otherwise and why; {@code docs/configuration.md} is the user-facing version of this file.
 *
 * <p>Units: "seconds" keys accept fractions (PgBouncer's {@code CF_TIME_USEC}); keys that PgBouncer stores as plain
 * ints of seconds ({@code stats_period}, {@code query_wait_notify}, {@code tcp_keepidle}, {@code tcp_keepintvl}) accept
 * whole seconds only; {@code tcp_user_timeout} is in milliseconds. Constants only; any thread.
 */
public final class Keys {
    private static final int MAX_CONNECTIONS = 1_000_000;
    private static final int MAX_POOL = 10_000;
    private static final boolean RELOAD = true;
    private static final boolean RESTART = false;

    private Keys() {
    }

    // ---- generic settings ----------------------------------------------------------------------------------------
    public static final Setting<String> LOGFILE = Setting.string("logfile", "", RELOAD);
    public static final Setting<String> PIDFILE = Setting.string("pidfile", "", RESTART);
    /** Comma-separated addresses, or {@code *} for all; empty = no TCP listener (only the Unix socket). */
    public static final Setting<String> LISTEN_ADDR = Setting.string("listen_addr", "", RESTART);
    public static final Setting<Integer> LISTEN_PORT = Setting.integer("listen_port", 6432, 1, 65535, RESTART);
    /** PgBouncer's compiled-in default is {@code /tmp}; empty disables the Unix socket. */
    public static final Setting<String> UNIX_SOCKET_DIR = Setting.string("unix_socket_dir", "/tmp", RESTART);
    public static final Setting<Integer> UNIX_SOCKET_MODE = Setting.octal("unix_socket_mode", 0777, 07777, RESTART);
    public static final Setting<String> UNIX_SOCKET_GROUP = Setting.string("unix_socket_group", "", RESTART);
    public static final Setting<String> USER = Setting.string("user", "", RESTART);
    /**
     * Tidepool's own key: the number of event-loop threads that carry clients and server connections; 0 (the default)
     * means half the available processors, at least one (Odyssey's {@code workers "auto"}). The pooler shares its
     * machine with the kernel's network stack and often with PostgreSQL: on 2 cores one loop carried more transactions
     * with less CPU per transaction than two (perf/run-pgbench-side-by-side.sh).
     */
    public static final Setting<Integer> EVENT_LOOPS = Setting.integer("event_loops", 0, 0, 1024, RESTART);
    public static final Setting<PoolMode> POOL_MODE = Setting.choice("pool_mode", PoolMode.SESSION,
            Keys::lookupPoolMode, PoolMode::configName, RELOAD);
    public static final Setting<Integer> MAX_CLIENT_CONN =
            Setting.integer("max_client_conn", 100, 1, MAX_CONNECTIONS, RELOAD);
    /** Per (database, user) pool; 0 = unlimited (PgBouncer 1.24). */
    public static final Setting<Integer> DEFAULT_POOL_SIZE =
            Setting.integer("default_pool_size", 20, 0, MAX_POOL, RELOAD);
    public static final Setting<Integer> MIN_POOL_SIZE = Setting.integer("min_pool_size", 0, 0, MAX_POOL, RELOAD);
    public static final Setting<Integer> RESERVE_POOL_SIZE =
            Setting.integer("reserve_pool_size", 0, 0, MAX_POOL, RELOAD);
    public static final Setting<Duration> RESERVE_POOL_TIMEOUT =
            Setting.seconds("reserve_pool_timeout", Duration.ofSeconds(5), RELOAD);
    /** 0 = unlimited. */
    public static final Setting<Integer> MAX_DB_CONNECTIONS =
            Setting.integer("max_db_connections", 0, 0, MAX_CONNECTIONS, RELOAD);
    public static final Setting<Integer> MAX_DB_CLIENT_CONNECTIONS =
            Setting.integer("max_db_client_connections", 0, 0, MAX_CONNECTIONS, RELOAD);
    public static final Setting<Integer> MAX_USER_CONNECTIONS =
            Setting.integer("max_user_connections", 0, 0, MAX_CONNECTIONS, RELOAD);
    public static final Setting<Integer> MAX_USER_CLIENT_CONNECTIONS =
            Setting.integer("max_user_client_connections", 0, 0, MAX_CONNECTIONS, RELOAD);
    public static final Setting<Boolean> SERVER_ROUND_ROBIN = Setting.bool("server_round_robin", false, RELOAD);
    /** ParameterStatus names tracked per client beyond PgBouncer's built-in set. */
    public static final Setting<List<String>> TRACK_EXTRA_PARAMETERS =
            Setting.list("track_extra_parameters", List.of("IntervalStyle"), RESTART);
    public static final Setting<List<String>> IGNORE_STARTUP_PARAMETERS =
            Setting.list("ignore_startup_parameters", List.of(), RELOAD);
    /** 0 = off; otherwise this process's id among {@code [peers]} (cancel forwarding; 0..16383). */
    public static final Setting<Integer> PEER_ID = Setting.integer("peer_id", 0, 0, 16383, RELOAD);
    public static final Setting<Boolean> DISABLE_PQEXEC = Setting.bool("disable_pqexec", false, RESTART);
    public static final Setting<Boolean> APPLICATION_NAME_ADD_HOST =
            Setting.bool("application_name_add_host", false, RELOAD);
    /** Set by the loader to the file it read, as PgBouncer does from its command line. */
    public static final Setting<String> CONFFILE = Setting.string("conffile", "", RELOAD);
    public static final Setting<String> JOB_NAME = Setting.string("job_name", "pgbouncer", RESTART);
    /** Seconds, whole (a C int in PgBouncer); the window of SHOW STATS' averages and the log_stats line. */
    public static final Setting<Duration> STATS_PERIOD =
            Setting.wholeSeconds("stats_period", Duration.ofSeconds(60), 1, 86_400, RELOAD);
    /** 0 disables protocol-level prepared statement tracking in transaction/statement mode (default 200 since 1.24). */
    public static final Setting<Integer> MAX_PREPARED_STATEMENTS =
            Setting.integer("max_prepared_statements", 200, 0, MAX_CONNECTIONS, RELOAD);
    /**
     * Tidepool's own key: what happens when a client in transaction or statement mode uses session state that cannot
     * follow it to another server connection (LISTEN, SQL PREPARE, SET of a parameter the server does not report,
     * temporary tables, WITH HOLD cursors, session-level advisory locks):
     * {@code warn} logs it once per client and counts it; {@code refuse} also ends that client with 0A000.
     */
    public static final Setting<SessionStatePolicy> SESSION_STATE_POLICY = Setting.choice("session_state_policy",
            SessionStatePolicy.WARN, SessionStatePolicy::lookup, SessionStatePolicy::configName, RELOAD);
    public static final Setting<Integer> SCRAM_ITERATIONS =
            Setting.integer("scram_iterations", 4096, 1, Integer.MAX_VALUE, RELOAD);

    // ---- authentication ------------------------------------------------------------------------------------------
    /** {@code pam} and {@code ldap} are rejected as unsupported. */
    public static final Setting<AuthType> AUTH_TYPE = Setting.choice("auth_type", AuthType.MD5, Keys::lookupAuthType,
            AuthType::configName, RELOAD);
    public static final Setting<String> AUTH_HBA_FILE = Setting.string("auth_hba_file", "", RELOAD);
    public static final Setting<String> AUTH_IDENT_FILE = Setting.string("auth_ident_file", "", RELOAD);
    public static final Setting<String> AUTH_FILE = Setting.string("auth_file", "", RELOAD);
    public static final Setting<String> AUTH_USER = Setting.string("auth_user", "", RELOAD);
    public static final Setting<String> AUTH_QUERY = Setting.string("auth_query", "SELECT rolname, CASE WHEN "
            + "rolvaliduntil < now() THEN NULL ELSE rolpassword END FROM pg_authid WHERE rolname=$1 AND rolcanlogin",
            RELOAD);
    public static final Setting<String> AUTH_DBNAME = Setting.string("auth_dbname", "", RELOAD);
    /** Secret: LDAP options may carry {@code ldapbindpasswd}. LDAP itself is unsupported; kept for compatibility. */
    public static final Setting<String> AUTH_LDAP_OPTIONS = Setting.secretString("auth_ldap_options", "", RELOAD);

    // ---- logging -------------------------------------------------------------------------------------------------
    public static final Setting<Boolean> SYSLOG = Setting.bool("syslog", false, RELOAD);
    public static final Setting<String> SYSLOG_IDENT = Setting.string("syslog_ident", "pgbouncer", RELOAD);
    public static final Setting<String> SYSLOG_FACILITY = Setting.string("syslog_facility", "daemon", RELOAD);
    public static final Setting<Boolean> LOG_CONNECTIONS = Setting.bool("log_connections", true, RELOAD);
    public static final Setting<Boolean> LOG_DISCONNECTIONS = Setting.bool("log_disconnections", true, RELOAD);
    public static final Setting<Boolean> LOG_POOLER_ERRORS = Setting.bool("log_pooler_errors", true, RELOAD);
    public static final Setting<Boolean> LOG_STATS = Setting.bool("log_stats", true, RELOAD);
    public static final Setting<Integer> VERBOSE = Setting.integer("verbose", 0, 0, 3, RELOAD);

    // ---- console access ------------------------------------------------------------------------------------------
    public static final Setting<List<String>> ADMIN_USERS = Setting.list("admin_users", List.of(), RELOAD);
    public static final Setting<List<String>> STATS_USERS = Setting.list("stats_users", List.of(), RELOAD);

    // ---- sanity checks, timeouts ---------------------------------------------------------------------------------
    public static final Setting<String> SERVER_RESET_QUERY =
            Setting.string("server_reset_query", "DISCARD ALL", RELOAD);
    public static final Setting<Boolean> SERVER_RESET_QUERY_ALWAYS =
            Setting.bool("server_reset_query_always", false, RELOAD);
    public static final Setting<Duration> SERVER_CHECK_DELAY =
            Setting.seconds("server_check_delay", Duration.ofSeconds(30), RELOAD);
    /** {@code <empty>} (the default) sends an empty query; an empty string disables the check (PgBouncer 1.25). */
    public static final Setting<String> SERVER_CHECK_QUERY = Setting.string("server_check_query", "<empty>", RELOAD);
    public static final Setting<Boolean> SERVER_FAST_CLOSE = Setting.bool("server_fast_close", false, RELOAD);
    public static final Setting<Duration> SERVER_LIFETIME =
            Setting.seconds("server_lifetime", Duration.ofSeconds(3600), RELOAD);
    public static final Setting<Duration> SERVER_IDLE_TIMEOUT =
            Setting.seconds("server_idle_timeout", Duration.ofSeconds(600), RELOAD);
    public static final Setting<Duration> SERVER_CONNECT_TIMEOUT =
            Setting.seconds("server_connect_timeout", Duration.ofSeconds(15), RELOAD);
    public static final Setting<Duration> SERVER_LOGIN_RETRY =
            Setting.seconds("server_login_retry", Duration.ofSeconds(15), RELOAD);
    public static final Setting<Duration> CLIENT_LOGIN_TIMEOUT =
            Setting.seconds("client_login_timeout", Duration.ofSeconds(60), RELOAD);
    public static final Setting<Duration> AUTODB_IDLE_TIMEOUT =
            Setting.seconds("autodb_idle_timeout", Duration.ofSeconds(3600), RELOAD);
    public static final Setting<Duration> DNS_MAX_TTL = Setting.seconds("dns_max_ttl", Duration.ofSeconds(15), RELOAD);
    public static final Setting<Duration> DNS_NXDOMAIN_TTL =
            Setting.seconds("dns_nxdomain_ttl", Duration.ofSeconds(15), RELOAD);
    public static final Setting<Duration> DNS_ZONE_CHECK_PERIOD =
            Setting.seconds("dns_zone_check_period", Duration.ZERO, RELOAD);
    public static final Setting<String> RESOLV_CONF = Setting.string("resolv_conf", "", RESTART);
    /** Whole seconds (a C int in PgBouncer 1.25); 0 disables the "you are queued" NOTICE. */
    public static final Setting<Duration> QUERY_WAIT_NOTIFY =
            Setting.wholeSeconds("query_wait_notify", Duration.ofSeconds(5), 0, Integer.MAX_VALUE, RELOAD);

    // ---- TLS -----------------------------------------------------------------------------------------------------
    public static final Setting<SslMode> CLIENT_TLS_SSLMODE = Setting.choice("client_tls_sslmode", SslMode.DISABLE,
            SslMode::lookup, SslMode::configName, RELOAD);
    public static final Setting<String> CLIENT_TLS_KEY_FILE = Setting.string("client_tls_key_file", "", RELOAD);
    public static final Setting<String> CLIENT_TLS_CERT_FILE = Setting.string("client_tls_cert_file", "", RELOAD);
    public static final Setting<String> CLIENT_TLS_CA_FILE = Setting.string("client_tls_ca_file", "", RELOAD);
    public static final Setting<String> CLIENT_TLS_PROTOCOLS = Setting.string("client_tls_protocols", "secure", RELOAD);
    public static final Setting<String> CLIENT_TLS_CIPHERS = Setting.string("client_tls_ciphers", "default", RELOAD);
    public static final Setting<String> CLIENT_TLS13_CIPHERS = Setting.string("client_tls13_ciphers", "", RELOAD);
    public static final Setting<String> CLIENT_TLS_ECDHCURVE = Setting.string("client_tls_ecdhcurve", "auto", RELOAD);
    public static final Setting<String> CLIENT_TLS_DHEPARAMS = Setting.string("client_tls_dheparams", "auto", RELOAD);
    /** PgBouncer's default is {@code prefer} since 1.24 (it was {@code disable}). */
    public static final Setting<SslMode> SERVER_TLS_SSLMODE = Setting.choice("server_tls_sslmode", SslMode.PREFER,
            SslMode::lookup, SslMode::configName, RELOAD);
    public static final Setting<String> SERVER_TLS_CA_FILE = Setting.string("server_tls_ca_file", "", RELOAD);
    public static final Setting<String> SERVER_TLS_KEY_FILE = Setting.string("server_tls_key_file", "", RELOAD);
    public static final Setting<String> SERVER_TLS_CERT_FILE = Setting.string("server_tls_cert_file", "", RELOAD);
    public static final Setting<String> SERVER_TLS_PROTOCOLS = Setting.string("server_tls_protocols", "secure", RELOAD);
    public static final Setting<String> SERVER_TLS_CIPHERS = Setting.string("server_tls_ciphers", "default", RELOAD);
    public static final Setting<String> SERVER_TLS13_CIPHERS = Setting.string("server_tls13_ciphers", "", RELOAD);

    // ---- dangerous timeouts --------------------------------------------------------------------------------------
    public static final Setting<Duration> QUERY_TIMEOUT = Setting.seconds("query_timeout", Duration.ZERO, RELOAD);
    public static final Setting<Duration> QUERY_WAIT_TIMEOUT =
            Setting.seconds("query_wait_timeout", Duration.ofSeconds(120), RELOAD);
    public static final Setting<Duration> CANCEL_WAIT_TIMEOUT =
            Setting.seconds("cancel_wait_timeout", Duration.ofSeconds(10), RELOAD);
    public static final Setting<Duration> CLIENT_IDLE_TIMEOUT =
            Setting.seconds("client_idle_timeout", Duration.ZERO, RELOAD);
    public static final Setting<Duration> IDLE_TRANSACTION_TIMEOUT =
            Setting.seconds("idle_transaction_timeout", Duration.ZERO, RELOAD);
    public static final Setting<Duration> TRANSACTION_TIMEOUT =
            Setting.seconds("transaction_timeout", Duration.ZERO, RELOAD);
    public static final Setting<Duration> SUSPEND_TIMEOUT =
            Setting.seconds("suspend_timeout", Duration.ofSeconds(10), RELOAD);

    // ---- low-level network ---------------------------------------------------------------------------------------
    public static final Setting<Integer> PKT_BUF = Setting.integer("pkt_buf", 4096, 512, 16 * 1024 * 1024, RESTART);
    /**
     * Tidepool: defaults to PostgreSQL's own per-message cap ({@code PQ_LARGE_MESSAGE_LIMIT}, 1 GiB - 2) instead of
     * PgBouncer's 2147483647: PostgreSQL refuses anything larger anyway, and a 2 GiB ceiling is what made the
     * CVE-2026-107348 overflow reachable (RELIABILITY §3). Larger values are still accepted so old files load; the
     * loader warns about them.
     */
    public static final Setting<Integer> MAX_PACKET_SIZE =
            Setting.integer("max_packet_size", Limits.PG_LARGE_MESSAGE_LIMIT, 4, Integer.MAX_VALUE, RELOAD);
    public static final Setting<Integer> LISTEN_BACKLOG = Setting.integer("listen_backlog", 128, 1, 65535, RESTART);
    public static final Setting<Integer> SBUF_LOOPCNT = Setting.integer("sbuf_loopcnt", 5, 0, MAX_CONNECTIONS, RELOAD);
    public static final Setting<Boolean> SO_REUSEPORT = Setting.bool("so_reuseport", false, RESTART);
    /** Linux {@code TCP_DEFER_ACCEPT}: PgBouncer passes the int through (seconds on Linux; 1 = on). */
    public static final Setting<Integer> TCP_DEFER_ACCEPT = Setting.integer("tcp_defer_accept", 1, 0, 3600, RELOAD);
    /** Bytes; 0 = OS default. */
    public static final Setting<Integer> TCP_SOCKET_BUFFER =
            Setting.integer("tcp_socket_buffer", 0, 0, Integer.MAX_VALUE, RELOAD);
    public static final Setting<Boolean> TCP_KEEPALIVE = Setting.bool("tcp_keepalive", true, RELOAD);
    /** Probes; 0 = OS default. */
    public static final Setting<Integer> TCP_KEEPCNT = Setting.integer("tcp_keepcnt", 0, 0, 127, RELOAD);
    /** Whole seconds; 0 = OS default. */
    public static final Setting<Duration> TCP_KEEPIDLE =
            Setting.wholeSeconds("tcp_keepidle", Duration.ZERO, 0, 32767, RELOAD);
    /** Whole seconds; 0 = OS default. */
    public static final Setting<Duration> TCP_KEEPINTVL =
            Setting.wholeSeconds("tcp_keepintvl", Duration.ZERO, 0, 32767, RELOAD);
    /** Milliseconds (Linux {@code TCP_USER_TIMEOUT}); 0 = OS default. */
    public static final Setting<Duration> TCP_USER_TIMEOUT =
            Setting.millis("tcp_user_timeout", Duration.ZERO, Integer.MAX_VALUE, RELOAD);

    private static final List<Setting<?>> ALL = collect();
    private static final Map<String, Setting<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Setting::name, Function.identity()));

    /** All keys, sorted by name: PgBouncer's SHOW CONFIG order ("add new parameters in alphabetical order"). */
    public static List<Setting<?>> all() {
        return ALL;
    }

    /** The key of that name, case-insensitive (PgBouncer's names are lower case). */
    public static Optional<Setting<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    private static PoolMode lookupPoolMode(String value) {
        try {
            return PoolMode.parse(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static AuthType lookupAuthType(String value) {
        var lower = value.strip().toLowerCase(Locale.ROOT);
        if (lower.equals("pam") || lower.equals("ldap")) {
            throw new ConfigException("auth_type: \"" + value + "\" (expected: " + AUTH_TYPE_EXPECTED
                    + "; " + lower + " is not supported by Tidepool)");
        }
        return AuthType.lookup(lower);
    }

    private static final String AUTH_TYPE_EXPECTED = "trust, any, plain, md5, scram-sha-256, cert or hba";

    private static List<Setting<?>> collect() {
        var list = new ArrayList<Setting<?>>();
        for (var field : Keys.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Setting.class) {
                try {
                    list.add((Setting<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        list.sort(Comparator.comparing(Setting::name));
        return List.copyOf(list);
    }
}
