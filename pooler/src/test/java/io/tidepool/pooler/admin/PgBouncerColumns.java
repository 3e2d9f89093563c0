package io.tidepool.pooler.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PgBouncer 1.25.2's SHOW columns as data, copied from ../shared/PGBOUNCER-COMPAT.md §1 (itself read from
 * src/admin.c and src/stats.c) and independent of {@link ShowCommand}: "name:type" with PgBouncer's type letters.
 * Also the differences of PgBouncer 1.18 (the Debian binary the differential test runs), where 1.18 lacks columns.
 */
final class PgBouncerColumns {
    private PgBouncerColumns() {
    }

    static final List<String> SOCKETS = List.of("type:s", "user:s", "database:s", "replication:s", "state:s",
            "addr:s", "port:i", "local_addr:s", "local_port:i", "connect_time:T", "request_time:T", "wait:i",
            "wait_us:i", "close_needed:i", "ptr:s", "link:s", "remote_pid:i", "tls:s", "application_name:s",
            "prepared_statements:i", "id:i");

    static final Map<String, List<String>> V1_25_2 = new LinkedHashMap<>();

    static {
        V1_25_2.put("POOLS", List.of("database:s", "user:s", "cl_active:i", "cl_waiting:i", "cl_active_cancel_req:i",
                "cl_waiting_cancel_req:i", "sv_active:i", "sv_active_cancel:i", "sv_being_canceled:i", "sv_idle:i",
                "sv_used:i", "sv_tested:i", "sv_login:i", "maxwait:i", "maxwait_us:i", "pool_mode:s",
                "load_balance_hosts:s"));
        V1_25_2.put("STATS", List.of("database:s", "total_server_assignment_count:N", "total_xact_count:N",
                "total_query_count:N", "total_received:N", "total_sent:N", "total_xact_time:N", "total_query_time:N",
                "total_wait_time:N", "total_client_parse_count:N", "total_server_parse_count:N", "total_bind_count:N",
                "avg_server_assignment_count:N", "avg_xact_count:N", "avg_query_count:N", "avg_recv:N", "avg_sent:N",
                "avg_xact_time:N", "avg_query_time:N", "avg_wait_time:N", "avg_client_parse_count:N",
                "avg_server_parse_count:N", "avg_bind_count:N"));
        V1_25_2.put("STATS_TOTALS", List.of("database:s", "server_assignment_count:N", "xact_count:N",
                "query_count:N", "bytes_received:N", "bytes_sent:N", "xact_time:N", "query_time:N", "wait_time:N",
                "client_parse_count:N", "server_parse_count:N", "bind_count:N"));
        V1_25_2.put("STATS_AVERAGES", List.of("database:s", "server_assignment_count:N", "xact_count:N",
                "query_count:N", "bytes_received:N", "bytes_sent:N", "xact_time:N", "query_time:N", "wait_time:N",
                "avg_client_parse_count:N", "avg_server_parse_count:N", "avg_bind_count:N"));
        V1_25_2.put("TOTALS", List.of("name:s", "value:N"));
        V1_25_2.put("SERVERS", SOCKETS);
        V1_25_2.put("CLIENTS", SOCKETS);
        V1_25_2.put("SOCKETS", withDebug());
        V1_25_2.put("ACTIVE_SOCKETS", withDebug());
        V1_25_2.put("DATABASES", List.of("name:s", "host:s", "port:i", "database:s", "force_user:s", "pool_size:i",
                "min_pool_size:i", "reserve_pool_size:i", "server_lifetime:i", "pool_mode:s", "load_balance_hosts:s",
                "max_connections:i", "current_connections:i", "max_client_connections:i",
                "current_client_connections:i", "paused:i", "disabled:i"));
        V1_25_2.put("USERS", List.of("name:s", "pool_size:s", "reserve_pool_size:s", "pool_mode:s",
                "max_user_connections:i", "current_connections:i", "max_user_client_connections:i",
                "current_client_connections:i"));
        V1_25_2.put("PEERS", List.of("peer_id:i", "host:s", "port:i", "pool_size:i"));
        V1_25_2.put("PEER_POOLS", List.of("peer_id:i", "cl_active_cancel_req:i", "cl_waiting_cancel_req:i",
                "sv_active_cancel:i", "sv_login:i"));
        V1_25_2.put("LISTS", List.of("list:s", "items:i"));
        V1_25_2.put("CONFIG", List.of("key:s", "value:s", "default:s", "changeable:s"));
        V1_25_2.put("MEM", List.of("name:s", "size:i", "used:i", "free:i", "memtotal:i"));
        V1_25_2.put("FDS", List.of("fd:i", "task:s", "user:s", "database:s", "addr:s", "port:i", "cancel:q",
                "link:i", "client_encoding:s", "std_strings:s", "datestyle:s", "timezone:s", "password:s",
                "scram_client_key:b", "scram_server_key:b"));
        V1_25_2.put("DNS_HOSTS", List.of("hostname:s", "ttl:q", "addrs:s"));
        V1_25_2.put("DNS_ZONES", List.of("zonename:s", "serial:q", "count:i"));
        V1_25_2.put("STATE", List.of("key:s", "value:s"));
        V1_25_2.put("VERSION", List.of("version:s"));
        V1_25_2.put("HELP", List.of());
    }

    private static List<String> withDebug() {
        var all = new java.util.ArrayList<>(SOCKETS);
        for (String c : List.of("recv_pos", "pkt_pos", "pkt_remain", "send_pos", "send_remain", "pkt_avail",
                "send_avail")) {
            all.add(c + ":i");
        }
        return List.copyOf(all);
    }

    static List<String> names(List<String> columns) {
        return columns.stream().map(c -> c.substring(0, c.indexOf(':'))).toList();
    }
}
