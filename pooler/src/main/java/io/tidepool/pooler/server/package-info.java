/**
 * Connections from Tidepool to PostgreSQL: login ({@link io.tidepool.pooler.server.ServerLogin}), the parameter cache
 * ({@link io.tidepool.pooler.server.ServerParameters}), the lifecycle ({@link io.tidepool.pooler.server.ServerState})
 * and forwarding to the linked client ({@link io.tidepool.pooler.server.ServerConnection}).
 */
@NullMarked
package io.tidepool.pooler.server;

import org.jspecify.annotations.NullMarked;
