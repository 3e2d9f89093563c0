/**
 * Server pools. A {@link io.tidepool.pooler.pool.Pool} serves one (database, user) pair on one event loop; the
 * {@link io.tidepool.pooler.pool.PoolGroup} of the same key holds the only state shared between loops (the server
 * count against pool_size, and which loops have clients waiting).
 */
@NullMarked
package io.tidepool.pooler.pool;

import org.jspecify.annotations.NullMarked;
