package io.tidepool.pooler.pool;

import io.tidepool.auth.Credential;
import org.jspecify.annotations.Nullable;

import java.util.Map;

/**
 * Where and how a pool's server connections log in.
 *
 * @param host             host name, IP address, or a Unix-socket directory (starts with '/')
 * @param port             TCP port (also names the socket file {@code .s.PGSQL.<port>})
 * @param dbname           database name sent to the server
 * @param user             user name sent to the server
 * @param credential       what answers the server's password request: a plain password (any method), an md5
 *                         secret (md5 only), or a SCRAM verifier (SCRAM with a client key passed through)
 * @param startupParameters extra parameters for the server's StartupMessage (client_encoding, datestyle, timezone
 *                          from the database entry)
 */
public record ServerTarget(String host, int port, String dbname, String user, @Nullable Credential credential,
                           Map<String, String> startupParameters) {
    public ServerTarget {
        startupParameters = Map.copyOf(startupParameters);
    }

    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    @Override
    public String toString() {
        return dbname + "/" + user + "@" + host + ":" + port;
    }
}
