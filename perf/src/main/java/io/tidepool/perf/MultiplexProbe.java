package io.tidepool.perf;

import io.tidepool.testkit.PgTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds out whether a pooler really multiplexes in its configured pool mode before the harness sends 1,000 clients
 * at 20 server connections: two clients of the single-connection {@link PoolerSetup#PROBE_DATABASE} each run a query
 * while the first stays connected and idle. A transaction-pooling pooler serves both; one that still holds the server
 * for the first client's session makes the second wait, which the probe notices after a 5 s socket timeout. This lets
 * the harness print "n/a" for a mode a Tidepool build does not implement yet instead of hanging. Stateless.
 */
final class MultiplexProbe {
    private static final String TIMEOUT_SECONDS = "5";

    private MultiplexProbe() {
    }

    /** Empty if {@code pooler} multiplexed two clients over one server connection, else why not. */
    static Optional<String> check(Pooler pooler) {
        PgTarget target = pooler.target(PoolerSetup.PROBE_DATABASE);
        try (Connection first = connect(target); Connection second = connect(target)) {
            selectOne(first);
            selectOne(second);
            selectOne(first);
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("two clients on one server connection: " + e.getMessage() + " (SQLSTATE "
                    + e.getSQLState() + ")");
        }
    }

    private static void selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select 1");
        }
    }

    private static Connection connect(PgTarget target) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", target.user());
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", TIMEOUT_SECONDS);
        props.setProperty("socketTimeout", TIMEOUT_SECONDS);
        props.setProperty("ApplicationName", "tidepool-perf-probe");
        // Simple protocol: the probe must not depend on prepared-statement support.
        props.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }
}
