package io.tidepool.routing.monitor;

import io.tidepool.routing.Host;
import io.tidepool.routing.RoutingConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The real check of one host: one query over a persistent JDBC connection that is opened on first use and after any
 * failure. Owned by the host's {@link RoleMonitor} and used only on its thread.
 *
 * <p>The query learns the role and WAL positions in one round trip. {@code pg_is_in_recovery()} is evaluated once
 * (in a CTE) so that both branches agree; the primary-only functions ({@code pg_current_wal_lsn()}, {@code
 * pg_walfile_name()}) are only reached when it is false, since a standby rejects them ("recovery is in progress").
 * The timeline of a primary is the first 8 hex digits of {@code pg_walfile_name(pg_current_wal_lsn())}: right after
 * {@code pg_ctl promote}, {@code pg_control_checkpoint()} still reports the old timeline until the next checkpoint,
 * while the WAL file name already carries the new one (measured on PostgreSQL 15, issue 5). On a standby it is the
 * newer of the last restartpoint's timeline ({@code pg_control_checkpoint()}) and the timeline the WAL receiver is
 * streaming ({@code pg_stat_wal_receiver.received_tli}, visible to superusers and {@code pg_read_all_stats}).
 *
 * <p>Timeouts: {@code statement_timeout} is set to {@code check_timeout} for the session, and the JDBC connect and
 * socket timeouts (whole seconds) are a backstop; {@link RoleMonitor} interrupts a check that overruns, which on a
 * virtual thread closes the socket at once.
 */
public final class RoleProbe implements HostProbe {
    static final String QUERY = """
            with r as (select pg_is_in_recovery() as rec)
            select r.rec,
                   case when r.rec
                        then coalesce(greatest((select timeline_id from pg_control_checkpoint()),
                                               (select received_tli from pg_stat_wal_receiver)), 0)::bigint
                        else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint
                   end,
                   coalesce((case when r.rec then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end)
                            - '0/0'::pg_lsn, 0)::bigint,
                   coalesce((case when r.rec then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)
                            - '0/0'::pg_lsn, 0)::bigint,
                   case when r.rec and pg_last_wal_receive_lsn() is distinct from pg_last_wal_replay_lsn()
                        then coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)
                        else 0
                   end::float8
            from r""";

    private final Host host;
    private final String url;
    private final Properties properties;
    private @Nullable Connection connection;
    private @Nullable PreparedStatement statement;

    /** A probe of {@code host} with the monitor credentials and timeouts of {@code config}. Connects lazily. */
    public RoleProbe(Host host, RoutingConfig config) {
        this.host = Objects.requireNonNull(host, "host");
        this.url = "jdbc:postgresql://" + host.authority() + "/";
        long timeoutSeconds = Math.max(1, (config.checkTimeout().toMillis() + 999) / 1000);
        properties = new Properties();
        properties.setProperty("user", config.monitorUser());
        if (config.monitorPassword() != null) {
            properties.setProperty("password", config.monitorPassword());
        }
        properties.setProperty("PGDBNAME", config.monitorDbname());
        properties.setProperty("ApplicationName", "tidepool-monitor");
        properties.setProperty("connectTimeout", Long.toString(timeoutSeconds));
        properties.setProperty("socketTimeout", Long.toString(timeoutSeconds + 1));
        // 0: connect on the calling thread (pgjdbc otherwise uses a helper thread the watchdog cannot interrupt).
        properties.setProperty("loginTimeout", "0");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("options", "-c statement_timeout=" + config.checkTimeout().toMillis());
        properties.setProperty("assumeMinServerVersion", "10");
    }

    /** The host this probe checks. */
    public Host host() {
        return host;
    }

    @Override
    public ProbeResult check() throws SQLException {
        try {
            PreparedStatement query = statement();
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException(host + ": role query returned no row (expected: one)");
                }
                boolean inRecovery = row.getBoolean(1);
                long timeline = row.getLong(2);
                long walLsn = row.getLong(3);
                long replayLsn = row.getLong(4);
                Duration delay = Duration.ofNanos((long) (row.getDouble(5) * 1e9));
                return inRecovery ? ProbeResult.standby(timeline, walLsn, replayLsn, delay)
                        : ProbeResult.primary(timeline, walLsn);
            }
        } catch (SQLException | RuntimeException e) {
            close();                                   // a failed connection is never trusted again
            throw e;
        }
    }

    private PreparedStatement statement() throws SQLException {
        if (statement != null && System.nanoTime() - connectedNanos > MAX_CONNECTION_AGE_NANOS) {
            // A monitor session that never ends would hold up `pg_ctl stop -m smart` forever (RELIABILITY 43):
            // PostgreSQL waits for every session, and tells the monitor nothing. So it reconnects now and then.
            close();
        }
        if (statement == null) {
            Connection c = DriverManager.getConnection(url, properties);
            connection = c;
            connectedNanos = System.nanoTime();
            statement = c.prepareStatement(QUERY);
        }
        return statement;
    }

    /** How long one monitor connection is used: a smart shutdown waits at most this long for the monitor. */
    static final long MAX_CONNECTION_AGE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private long connectedNanos;

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        statement = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // the connection is broken already; nothing to release
            }
        }
    }

    @Override
    public String toString() {
        return "RoleProbe[" + host + "]";
    }
}
