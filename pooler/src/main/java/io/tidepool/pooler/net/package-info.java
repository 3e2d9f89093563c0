/**
 * Netty transport selection and channel options shared by the client listener and server connections, and the relay's
 * direct socket writes ({@link io.tidepool.pooler.net.SocketOutput}).
 */
@NullMarked
package io.tidepool.pooler.net;

import org.jspecify.annotations.NullMarked;
