/**
 * Routing by role in the pooler (issue 5): one topology monitor per set of hosts, and the
 * {@link io.tidepool.pooler.pool.TargetSelector} that sends a pool's new server connections to the primary or to a
 * standby, as the database entry's target_session_attrs asks.
 */
@NullMarked
package io.tidepool.pooler.routing;

import org.jspecify.annotations.NullMarked;
