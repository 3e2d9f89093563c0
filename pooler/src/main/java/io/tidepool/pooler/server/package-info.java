/**
 * Connections from Tidepool to PostgreSQL: the connection and its lifecycle
 * ({@link io.tidepool.pooler.server.ServerConnection}, {@link io.tidepool.pooler.server.ServerState}), login
 * ({@code ServerStartup} around {@link io.tidepool.pooler.server.ServerLogin}), the pooler's own queries
 * ({@code InternalQueries}: server check, parameter sync, server_reset_query), request accounting
 * ({@code RequestAccounting}), forwarding to the linked client ({@code ClientRelay}) and the parameter cache
 * ({@link io.tidepool.pooler.server.ServerParameters}).
 */
@NullMarked
package io.tidepool.pooler.server;

import org.jspecify.annotations.NullMarked;
