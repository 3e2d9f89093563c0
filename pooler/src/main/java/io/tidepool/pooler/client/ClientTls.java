package io.tidepool.pooler.client;

import io.netty.handler.ssl.SslContext;
import io.tidepool.pooler.config.SslMode;
import org.jspecify.annotations.Nullable;

/**
 * The client-facing TLS policy of one configuration snapshot: {@code client_tls_sslmode} and the {@link SslContext}
 * built from {@code client_tls_*_file}. Immutable; a RELOAD builds a new one from the files as they are then, and only
 * connections accepted afterwards use it (open connections keep the context their handshake used).
 *
 * <p>Meaning of the mode on this side, as PgBouncer's {@code client_tls_sslmode}: {@code disable} answers every
 * SSLRequest with 'N'; {@code allow}/{@code prefer} accept TLS when the client asks; {@code require} refuses a TCP
 * login without TLS; {@code verify-ca}/{@code verify-full} also require a client certificate signed by
 * {@code client_tls_ca_file}. Unix-socket logins are never refused for lack of TLS (libpq never requests it there).
 *
 * @param mode    client_tls_sslmode
 * @param context the server-side context (with ALPN {@code postgresql}), null when the mode is disable
 */
public record ClientTls(SslMode mode, @Nullable SslContext context) {
    /** PostgreSQL 17's ALPN protocol name (protocol-flow.html#PROTOCOL-FLOW-SSL). */
    public static final String ALPN = "postgresql";

    public ClientTls {
        if (mode != SslMode.DISABLE && context == null) {
            throw new IllegalArgumentException("client_tls_sslmode " + mode.configName() + " needs a TLS context");
        }
    }

    public static ClientTls disabled() {
        return new ClientTls(SslMode.DISABLE, null);
    }

    /** Whether a TCP login without TLS is refused. */
    public boolean required() {
        return mode.compareTo(SslMode.REQUIRE) >= 0;
    }

    /** Whether TLS is offered at all. */
    public boolean enabled() {
        return context != null;
    }
}
