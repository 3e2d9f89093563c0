package io.tidepool.routing.monitor;

/**
 * One host's check, as {@link RoleMonitor} sees it: ask the host what it is, or fail. {@link RoleProbe} is the real
 * one (JDBC); unit tests script a fake. Called only from the host's monitor thread, one call at a time; {@link
 * #check()} may be interrupted by the monitor's timeout watchdog.
 */
public interface HostProbe extends AutoCloseable {

    /** Runs one check; throws on any failure (unreachable, refused, timed out, unexpected answer). */
    ProbeResult check() throws Exception;

    /** Drops whatever connection the probe holds; the next {@link #check()} opens a new one. Never throws. */
    @Override
    void close();
}
