package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.TidepoolFixture;

import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /**
     * Two clients in the same per-event-loop pool, so that they really share its server connections: pools are per
     * event loop (DESIGN), and a pool of size 1 on another loop would give B a server of its own. Clients are
     * logged in until one lands on A's loop; the others stay connected (idle, no server) until {@link Pair#close}.
     */
    static Pair pair(TidepoolFixture pooler, String database, String[] parametersA, String[] parametersB) {
        RawClient a = login(pooler, database, parametersA);
        Pool home = poolOf(pooler, a);
        List<RawClient> extras = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            RawClient b = login(pooler, database, parametersB);
            if (poolOf(pooler, b) == home) {
                return new Pair(a, b, extras);
            }
            extras.add(b);
        }
        extras.forEach(RawClient::close);
        a.close();
        throw new AssertionError("no second client on the first client's event loop");
    }

    static Pair pair(TidepoolFixture pooler, String database) {
        return pair(pooler, database, new String[0], new String[0]);
    }

    /** The pool (one per event loop) whose client list holds {@code client}, found by its local port. */
    static Pool poolOf(TidepoolFixture pooler, RawClient client) {
        String peer = "127.0.0.1:" + client.localPort();
        for (PoolGroup group : pooler.tidepool().pools().groups()) {
            for (Pool pool : group.pools()) {
                try {
                    boolean here = pool.loop().submit(() -> pool.clients().stream().map(ClientSession::peer)
                            .anyMatch(peer::equals)).get(5, TimeUnit.SECONDS);
                    if (here) {
                        return pool;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("reading pool state: " + e, e);
                }
            }
        }
        throw new AssertionError("client " + peer + " is in no pool");
    }

    /** Two clients sharing one event loop's pool, plus the clients that landed elsewhere. */
    record Pair(RawClient a, RawClient b, List<RawClient> extras) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
            extras.forEach(RawClient::close);
        }
    }
}
