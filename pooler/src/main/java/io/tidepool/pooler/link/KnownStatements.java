package io.tidepool.pooler.link;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side statement names that some server of a pool has accepted (ParseComplete). A client outside a
 * transaction that only prepares such statements (Parse ... Sync) is answered by the pooler without taking a server:
 * the server-side statement is prepared on whichever connection later executes it. This matters beyond speed:
 * pgbench -M prepared prepares synchronously in the middle of its event loop, and with more clients than servers a
 * prepare that waits for a server held by a client of the same pgbench thread would never finish.
 *
 * <p>Shared by the loops of one pool group; bounded (cleared when full, which only costs server round trips).
 */
public final class KnownStatements {
    private static final int MAX = 10_000;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    void add(String serverName) {
        if (names.size() >= MAX) {
            names.clear();
        }
        names.add(serverName);
    }

    public boolean contains(String serverName) {
        return names.contains(serverName);
    }
}
