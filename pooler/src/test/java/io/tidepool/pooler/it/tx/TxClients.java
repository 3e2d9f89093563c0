package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.TidepoolFixture;

import java.time.Duration;
import java.util.List;

/**
 * Raw-client shortcuts shared by the transaction-mode tests: log in with startup parameters, run a simple query and
 * get its first value, or fail with the server's error. Stateless.
 */
final class TxClients {
    private TxClients() {
    }

    /** A raw client logged in to {@code database} with extra startup parameters (name, value, ...). */
    static RawClient login(TidepoolFixture pooler, String database, String... parameters) {
        return login(pooler.host(), pooler.port(), database, parameters);
    }

    static RawClient login(String host, int port, String database, String... parameters) {
        RawClient client = RawClient.connect(host, port);
        String[] all = new String[4 + parameters.length];
        all[0] = "user";
        all[1] = "postgres";
        all[2] = "database";
        all[3] = database;
        System.arraycopy(parameters, 0, all, 4, parameters.length);
        client.send(RawClient.startup(RawClient.PROTOCOL_3_0, all));
        for (Message m : client.untilReady(Duration.ofSeconds(10))) {
            if (m.type() == 'E') {
                client.close();
                throw new AssertionError("login failed: " + m.fields());
            }
        }
        return client;
    }

    /** Runs a simple query; fails on an ErrorResponse; returns column 0 of the first row (null if none). */
    static String value(RawClient client, String sql) {
        List<Message> replies = client.query(sql);
        for (Message m : replies) {
            if (m.type() == 'E') {
                throw new AssertionError(sql + ": " + m.fields());
            }
        }
        List<String> values = Ext.firstColumns(replies);
        return values.isEmpty() ? null : values.getFirst();
    }

    /** Runs a simple query and returns the SQLSTATE of its error, or "" when it succeeded. */
    static String errorOf(RawClient client, String sql) {
        for (Message m : client.query(sql)) {
            if (m.type() == 'E') {
                return m.sqlState();
            }
        }
        return "";
    }
}
