/**
 * Configuration: PgBouncer's ini format ({@code [databases]}, {@code [pgbouncer]}, {@code [users]}, its key names and
 * defaults, so that an existing {@code pgbouncer.ini} works unchanged) parsed by {@link
 * io.tidepool.pooler.config.ConfigLoader} into an immutable {@link io.tidepool.pooler.config.Config} snapshot, with
 * typed key descriptors ({@link io.tidepool.pooler.config.Keys}) and a reload diff ({@link
 * io.tidepool.pooler.config.ConfigDiff}). Tidepool's own sections ({@code [routing]}, {@code [vrrp]}, {@code
 * [vrrp_script NAME]}, {@code [metrics]}) are kept raw for the modules that own them. Everything here is immutable
 * and pure: reading files happens on whichever thread calls the loader (never an event loop, DESIGN rule 4), and the
 * resulting snapshots may be shared freely between threads.
 */
@NullMarked
package io.tidepool.pooler.config;

import org.jspecify.annotations.NullMarked;
