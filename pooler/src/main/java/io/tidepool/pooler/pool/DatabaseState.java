package io.tidepool.pooler.pool;

/**
 * The admin console's switches for one database name (PgBouncer's {@code db_paused}, {@code db_disabled}): set by
 * PAUSE/RESUME/KILL and DISABLE/ENABLE, read by every pool group of that database and by client logins. A pooler-wide
 * PAUSE sets the {@code global} instance, which every database consults too. Thread-safe (volatile flags: a pool
 * reads them at each decision, so a change takes effect at the next acquire or release).
 */
public final class DatabaseState {
    private final String database;
    private final DatabaseState global;
    private volatile boolean paused;
    private volatile boolean disabled;

    DatabaseState(String database, DatabaseState global) {
        this.database = database;
        this.global = global;
    }

    /** The pooler-wide instance. */
    DatabaseState() {
        this.database = "*";
        this.global = this;
    }

    public String database() {
        return database;
    }

    /** Whether new transactions must wait (this database paused, or the whole pooler). */
    public boolean isPaused() {
        return paused || global.paused;
    }

    /** Whether this database itself is paused (SHOW DATABASES {@code paused}). */
    public boolean pausedHere() {
        return paused;
    }

    public void setPaused(boolean value) {
        paused = value;
    }

    public boolean isDisabled() {
        return disabled;
    }

    public void setDisabled(boolean value) {
        disabled = value;
    }
}
