package io.tidepool.pooler.link;

import org.jspecify.annotations.Nullable;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The statements prepared on one server connection, by server-side name, least recently used first. Bounded by
 * max_prepared_statements (PgBouncer's key and meaning): making room evicts the least recently used one, which the
 * caller closes on the server. Event-loop confined.
 */
public final class ServerStatements {
    private final LinkedHashMap<String, Boolean> prepared = new LinkedHashMap<>(16, 0.75f, true);
    private final KnownStatements known;

    public ServerStatements(KnownStatements known) {
        this.known = known;
    }

    /** The server confirmed a Parse (ParseComplete): the statement is valid SQL for this pool. */
    void confirmed(String serverName) {
        if (!serverName.isEmpty()) {
            known.add(serverName);
        }
    }

    public boolean contains(String serverName) {
        return prepared.get(serverName) != null;   // get() refreshes the LRU order
    }

    /** Records {@code serverName}; returns the name to close first when the cache is full, else null. */
    public @Nullable String add(String serverName, int max) {
        String evicted = null;
        if (max > 0 && prepared.size() >= max) {
            Iterator<String> eldest = prepared.keySet().iterator();
            evicted = eldest.next();
            eldest.remove();
        }
        prepared.put(serverName, Boolean.TRUE);
        return evicted;
    }

    /** A Close of {@code serverName} was skipped by the server: it is still prepared there. */
    void restore(String serverName) {
        prepared.put(serverName, Boolean.TRUE);
    }

    public void remove(String serverName) {
        prepared.remove(serverName);
    }

    /** DEALLOCATE ALL or DISCARD ALL ran on the server. */
    public void clear() {
        prepared.clear();
    }

    public int size() {
        return prepared.size();
    }
}
