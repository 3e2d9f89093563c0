package io.tidepool.pooler.admin;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * PgBouncer 1.25.2's SHOW commands ({@code show_map[]} in src/admin.c) with their result columns: names, order and
 * wire types exactly as PgBouncer's {@code pktbuf_write_RowDescription} calls declare them (PGBOUNCER-COMPAT.md §1),
 * so exporters that map columns by name, and scripts that map them by position, keep working. Immutable.
 */
public enum ShowCommand {
    HELP(List.of()),
    STATS(Column.of("sNNNNNNNNNNNNNNNNNNNNNN", "database",
            "total_server_assignment_count", "total_xact_count", "total_query_count", "total_received",
            "total_sent", "total_xact_time", "total_query_time", "total_wait_time", "total_client_parse_count",
            "total_server_parse_count", "total_bind_count",
            "avg_server_assignment_count", "avg_xact_count", "avg_query_count", "avg_recv", "avg_sent",
            "avg_xact_time", "avg_query_time", "avg_wait_time", "avg_client_parse_count",
            "avg_server_parse_count", "avg_bind_count")),
    STATS_TOTALS(Column.of("sNNNNNNNNNNN", "database", "server_assignment_count", "xact_count", "query_count",
            "bytes_received", "bytes_sent", "xact_time", "query_time", "wait_time", "client_parse_count",
            "server_parse_count", "bind_count")),
    // PgBouncer's own inconsistency: the last three columns keep the avg_ prefix here.
    STATS_AVERAGES(Column.of("sNNNNNNNNNNN", "database", "server_assignment_count", "xact_count", "query_count",
            "bytes_received", "bytes_sent", "xact_time", "query_time", "wait_time", "avg_client_parse_count",
            "avg_server_parse_count", "avg_bind_count")),
    TOTALS(Column.of("sN", "name", "value")),
    SERVERS(Sockets.STANDARD),
    CLIENTS(Sockets.STANDARD),
    POOLS(Column.of("ssiiiiiiiiiiiiiss", "database", "user", "cl_active", "cl_waiting", "cl_active_cancel_req",
            "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled", "sv_idle", "sv_used",
            "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode", "load_balance_hosts")),
    LISTS(Column.of("si", "list", "items")),
    USERS(Column.of("ssssiiii", "name", "pool_size", "reserve_pool_size", "pool_mode", "max_user_connections",
            "current_connections", "max_user_client_connections", "current_client_connections")),
    DATABASES(Column.of("ssissiiiissiiiiii", "name", "host", "port", "database", "force_user", "pool_size",
            "min_pool_size", "reserve_pool_size", "server_lifetime", "pool_mode", "load_balance_hosts",
            "max_connections", "current_connections", "max_client_connections", "current_client_connections",
            "paused", "disabled")),
    PEERS(Column.of("isii", "peer_id", "host", "port", "pool_size")),
    PEER_POOLS(Column.of("iiiii", "peer_id", "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active_cancel",
            "sv_login")),
    FDS(Column.of("issssiqisssssbb", "fd", "task", "user", "database", "addr", "port", "cancel", "link",
            "client_encoding", "std_strings", "datestyle", "timezone", "password", "scram_client_key",
            "scram_server_key")),
    SOCKETS(Sockets.DEBUG),
    ACTIVE_SOCKETS(Sockets.DEBUG),
    CONFIG(Column.of("ssss", "key", "value", "default", "changeable")),
    MEM(Column.of("siiii", "name", "size", "used", "free", "memtotal")),
    DNS_HOSTS(Column.of("sqs", "hostname", "ttl", "addrs")),
    DNS_ZONES(Column.of("sqi", "zonename", "serial", "count")),
    VERSION(Column.of("s", "version")),
    STATE(Column.of("ss", "key", "value")),
    /** Tidepool's own: every routed host, its role and lag, as the role monitors last saw it (issue 5). */
    HOSTS(Column.of("ssssqqqsss", "hosts", "host", "role", "state", "lag_bytes", "replay_delay_ms", "timeline",
            "last_check", "fence_reason", "last_error")),
    /** Tidepool's own: the VRRP instance (issue 6). */
    VRRP(Column.of("issiisiissqqq", "virtual_router_id", "interface", "state", "base_priority",
            "effective_priority", "master", "advert_int_cs", "master_advert_int_cs", "last_transition",
            "last_transition_reason", "adverts_received", "adverts_sent", "adverts_dropped"));

    private final List<Column> columns;

    ShowCommand(List<Column> columns) {
        this.columns = columns;
    }

    /** The result columns; empty for HELP (a notice only, as PgBouncer). */
    public List<Column> columns() {
        return columns;
    }

    /** Only admin_users may run it: FDS would reveal cancel keys (PgBouncer: "Dangerous to show to everybody"). */
    public boolean adminOnly() {
        return this == FDS;
    }

    /** The command for a SHOW argument, case-insensitive; null when unknown. */
    public static @Nullable ShowCommand lookup(String word) {
        String upper = word.toUpperCase(Locale.ROOT);
        for (ShowCommand command : values()) {
            if (command.name().equals(upper)) {
                return command;
            }
        }
        return null;
    }

    /** The SHOW CLIENTS/SERVERS/SOCKETS column sets (admin.c {@code SKF_STD}, {@code SKF_DBG}). */
    private static final class Sockets {
        static final List<Column> STANDARD = Column.of("ssssssisiTTiiississii", "type", "user", "database",
                "replication", "state", "addr", "port", "local_addr", "local_port", "connect_time", "request_time",
                "wait", "wait_us", "close_needed", "ptr", "link", "remote_pid", "tls", "application_name",
                "prepared_statements", "id");
        static final List<Column> DEBUG = Stream.concat(STANDARD.stream(), Column.of("iiiiiii", "recv_pos",
                "pkt_pos", "pkt_remain", "send_pos", "send_remain", "pkt_avail", "send_avail").stream()).toList();
    }
}
