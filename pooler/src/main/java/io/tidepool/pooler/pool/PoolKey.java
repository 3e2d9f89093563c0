package io.tidepool.pooler.pool;

/** What a pool is for: a database entry name and the user its server connections log in as. */
public record PoolKey(String database, String user) {
    @Override
    public String toString() {
        return database + "/" + user;
    }
}
