package io.tidepool.pooler.link;

import org.jspecify.annotations.Nullable;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The statements prepared on one server connection, by server-side name, least recently used first. Bounded by
 * max_prepared_statements (PgBouncer's key and meaning): making room evicts the least recently used one, which the
 * caller closes on the server.
 *
 * <p>A name is recorded when its Parse is sent and marked confirmed when its ParseComplete arrives; until then only
 * requests of the same Sync batch may rely on it (the server skips them as well if that Parse is skipped). Later
 * batches wait for the outcome ({@link RequestTracker#awaitingOutcome()}), and a skipped Parse is removed again, a
 * skipped eviction restored. Event-loop confined.
 */
public final class ServerStatements {
    /** Server-side name to "confirmed" (false: its Parse is in flight). */
    private final LinkedHashMap<String, Boolean> prepared = new LinkedHashMap<>(16, 0.75f, true);
    private final KnownStatements known;

    public ServerStatements(KnownStatements known) {
        this.known = known;
    }

    /** The server confirmed a Parse (ParseComplete): the statement is valid SQL for this pool. */
    void confirmed(String serverName) {
        prepared.replace(serverName, Boolean.TRUE);
        known.add(serverName);
    }

    /** Whether the server has confirmed {@code serverName} (ParseComplete seen), not merely been sent its Parse. */
    boolean isConfirmed(String serverName) {
        return Boolean.TRUE.equals(prepared.get(serverName));
    }

    public boolean contains(String serverName) {
        return prepared.get(serverName) != null;   // get() refreshes the LRU order
    }

    /**
     * Records {@code serverName}, whose Parse is being sent (unconfirmed); returns the name to close first when the
     * cache is full, else null.
     */
    public @Nullable String add(String serverName, int max) {
        String evicted = null;
        if (max > 0 && prepared.size() >= max) {
            Iterator<String> eldest = prepared.keySet().iterator();
            evicted = eldest.next();
            eldest.remove();
        }
        prepared.put(serverName, Boolean.FALSE);
        return evicted;
    }

    /**
     * A Close of {@code serverName} was skipped by the server: it is still prepared there (its Parse was answered
     * before the skipped region began, or was skipped too and is removed after this, newest first).
     */
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
