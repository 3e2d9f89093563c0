/**
 * Client connections: the startup phase ({@link io.tidepool.pooler.client.ClientStartup}), the session's lifecycle
 * and forwarding ({@link io.tidepool.pooler.client.ClientSession}), and cancel requests
 * ({@link io.tidepool.pooler.client.CancelRegistry}).
 */
@NullMarked
package io.tidepool.pooler.client;

import org.jspecify.annotations.NullMarked;
