/**
 * The admin console: the virtual database {@code pgbouncer} (alias {@code tidepool}) that PgBouncer's operators,
 * runbooks and exporters talk to. {@link io.tidepool.pooler.admin.AdminParser} turns one query string into a sealed
 * {@link io.tidepool.pooler.admin.AdminCommand}; {@link io.tidepool.pooler.admin.AdminConsole} speaks the simple and
 * the extended query protocol for one connection and runs commands on a virtual thread (they may wait for event loops,
 * PAUSE waits for transactions); {@link io.tidepool.pooler.admin.ShowTables} builds PgBouncer's result sets, with its
 * column names, order and types ({@link io.tidepool.pooler.admin.ShowCommand}), from a
 * {@link io.tidepool.pooler.admin.PoolerView} read on each event loop.
 */
@NullMarked
package io.tidepool.pooler.admin;

import org.jspecify.annotations.NullMarked;
