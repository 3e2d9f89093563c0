/** Netty transport selection and channel options shared by the client listener and server connections. */
@NullMarked
package io.tidepool.pooler.net;

import org.jspecify.annotations.NullMarked;
