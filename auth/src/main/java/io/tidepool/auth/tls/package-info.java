/**
 * TLS for both faces of the pooler: Netty {@link io.netty.handler.ssl.SslContext} builders from PEM files
 * ({@link io.tidepool.auth.tls.TlsContexts}) and the {@code tls-server-end-point} channel-binding bytes for
 * SCRAM-SHA-256-PLUS ({@link io.tidepool.auth.tls.ChannelBinding}). The pooler installs the handlers; this package
 * never touches a pipeline.
 */
@NullMarked
package io.tidepool.auth.tls;

import org.jspecify.annotations.NullMarked;
