package io.tidepool.pooler.pool;

/**
 * What a pool is for: a database entry name, the user its server connections log in as, and whether it serves the
 * read-only listener (a routed entry's read target).
 */
public record PoolKey(String database, String user, boolean readOnly) {
    public PoolKey(String database, String user) {
        this(database, user, false);
    }

    @Override
    public String toString() {
        return database + "/" + user + (readOnly ? " (read-only)" : "");
    }
}
