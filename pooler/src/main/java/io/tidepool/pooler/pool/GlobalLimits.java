package io.tidepool.pooler.pool;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The counters shared by every event loop (STYLE: "the only cross-thread state"): server connections per database
 * (max_db_connections), per user (max_user_connections), and clients in total (max_client_conn). Lock-free; a slot is
 * reserved before a connection is opened and released when it closes.
 */
public final class GlobalLimits {
    private final ConcurrentHashMap<String, AtomicInteger> serversPerDatabase = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> serversPerUser = new ConcurrentHashMap<>();
    private final AtomicInteger clients = new AtomicInteger();
    private final IntSupplier maxClients;

    public GlobalLimits(IntSupplier maxClients) {
        this.maxClients = maxClients;
    }

    /** Reserves a client slot; false when max_client_conn is reached. */
    public boolean tryAddClient() {
        return tryIncrement(clients, maxClients.getAsInt());
    }

    /**
     * Counts a client of the admin console without the max_client_conn check: an operator must reach the console
     * exactly when the pooler is full (PgBouncer client.c: "dont limit admin db"; RELIABILITY case 67). Such a client
     * still counts, so ordinary clients wait for it to leave like for any other.
     */
    public void addConsoleClient() {
        clients.incrementAndGet();
    }

    public void removeClient() {
        clients.decrementAndGet();
    }

    public int clientCount() {
        return clients.get();
    }

    /** Reserves a server slot for {@code key}; 0 limits mean unlimited. */
    public boolean tryReserveServer(PoolKey key, int maxDbConnections, int maxUserConnections) {
        AtomicInteger db = serversPerDatabase.computeIfAbsent(key.database(), k -> new AtomicInteger());
        if (!tryIncrement(db, maxDbConnections)) {
            return false;
        }
        AtomicInteger user = serversPerUser.computeIfAbsent(key.user(), k -> new AtomicInteger());
        if (!tryIncrement(user, maxUserConnections)) {
            db.decrementAndGet();
            return false;
        }
        return true;
    }

    public void releaseServer(PoolKey key) {
        serversPerDatabase.get(key.database()).decrementAndGet();
        serversPerUser.get(key.user()).decrementAndGet();
    }

    public int serversForDatabase(String database) {
        AtomicInteger n = serversPerDatabase.get(database);
        return n == null ? 0 : n.get();
    }

    public int serversForUser(String user) {
        AtomicInteger n = serversPerUser.get(user);
        return n == null ? 0 : n.get();
    }

    /** Increments unless that would exceed {@code max}; {@code max <= 0} means unlimited. */
    static boolean tryIncrement(AtomicInteger counter, int max) {
        if (max <= 0) {
            counter.incrementAndGet();
            return true;
        }
        while (true) {
            int n = counter.get();
            if (n >= max) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
