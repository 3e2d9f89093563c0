/**
 * What transaction and statement pooling need on top of plain forwarding: named prepared statements that survive a
 * change of server connection ({@link io.tidepool.pooler.link.StatementRewriter}), and the bookkeeping of the
 * responses each server connection still owes ({@link io.tidepool.pooler.link.RequestTracker}).
 */
@NullMarked
package io.tidepool.pooler.link;

import org.jspecify.annotations.NullMarked;
