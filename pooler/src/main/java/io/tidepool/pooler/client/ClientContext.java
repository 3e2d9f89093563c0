package io.tidepool.pooler.client;

import io.tidepool.pooler.pool.PoolManager;

import java.time.Duration;

/**
 * What every client connection needs from the running pooler, as of the current configuration. Immutable; a reload
 * builds a new one and new clients see it (running sessions keep theirs, as in PgBouncer).
 *
 * @param pools               the pools
 * @param cancels             the pooler's cancel keys
 * @param startup             startup-packet validation (ignore_startup_parameters)
 * @param authenticator       auth_type / auth_hba_file / auth_file
 * @param clientLoginTimeout  client_login_timeout (zero: none)
 * @param applicationNameAddHost application_name_add_host
 * @param logConnections      log_connections
 * @param logDisconnections   log_disconnections
 * @param shutdown            the shutdown coordinator: refuses logins while shutting down
 * @param admin               the admin console, or null when there is none (tests of the data path)
 * @param tls                 client_tls_sslmode and its context (new connections take the current one: RELOAD
 *                            renews certificates without touching open connections)
 * @param guard               login defences, shared by every snapshot
 * @param authQuery           auth_query lookups, or null when auth_user is not set
 * @param readOnlyListener    whether this is the read-only listener
 */
public record ClientContext(PoolManager pools, CancelRegistry cancels, ClientStartup startup,
                            ClientAuthenticator authenticator,
                            Duration clientLoginTimeout, boolean applicationNameAddHost, boolean logConnections,
                            boolean logDisconnections, Shutdown shutdown, boolean readOnlyListener,
                            @org.jspecify.annotations.Nullable AdminGateway admin, ClientTls tls, LoginGuard guard,
                            @org.jspecify.annotations.Nullable AuthQuery authQuery) {

    /** The same context for the read-only listener (readonly_listen_port): routed databases use their read target. */
    public ClientContext readOnly() {
        return new ClientContext(pools, cancels, startup, authenticator, clientLoginTimeout, applicationNameAddHost,
                logConnections, logDisconnections, shutdown, true, admin, tls, guard, authQuery);
    }

    /** Tells new clients whether the pooler is going away. */
    public interface Shutdown {
        boolean inProgress();
    }
}
