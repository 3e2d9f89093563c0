package io.tidepool.pooler.admin;

import io.tidepool.pooler.config.Config;
import io.tidepool.pooler.config.Settings;
import io.tidepool.pooler.pool.PoolManager;

import java.time.Instant;

/**
 * What the console needs from the running pooler beyond the pools: the configuration, RELOAD, SET, SHUTDOWN.
 * Implemented by the application ({@code io.tidepool.pooler.app.Tidepool}); every method may be called from the
 * console's virtual thread and may block.
 */
public interface PoolerControl {
    /** The configuration now in force. */
    Config config();

    PoolManager pools();

    /**
     * Re-reads the configuration file and applies it whole.
     *
     * @throws io.tidepool.pooler.config.ConfigException when the file is invalid; the running configuration stays
     */
    void reload();

    /** Applies settings changed by {@code SET} (already validated, complete) the way a reload would. */
    void applySettings(Settings settings);

    /** Starts a shutdown in the background; returns at once. */
    void shutdown(AdminCommand.ShutdownMode mode);

    boolean shuttingDown();

    /** When the pooler started (SHOW MEM, uptime). */
    Instant startedAt();

    /** Role monitoring, when the configuration routes any database (SHOW HOSTS, READMIT). */
    default io.tidepool.pooler.routing.@org.jspecify.annotations.Nullable RoutingService routing() {
        return null;
    }

    /** The VRRP speaker, when configured (SHOW VRRP). */
    default io.tidepool.vip.@org.jspecify.annotations.Nullable VrrpInstance vrrp() {
        return null;
    }

    /** The listener's port (the console database's port in SHOW DATABASES). */
    int listenPort();
}
