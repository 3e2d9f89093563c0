package io.tidepool.auth.hba;

import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What an hba rule is matched against: how the client connected and whom it claims to be. Built by the client
 * session after the startup packet (and TLS, if any).
 *
 * @param address the client's IP address; null for a Unix-socket connection
 * @param tls whether the connection is encrypted with TLS
 */
public record HbaRequest(@Nullable InetAddress address, boolean tls, String database, String user) {
    public HbaRequest {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
    }

    /** A Unix-socket connection. */
    public static HbaRequest local(String database, String user) {
        return new HbaRequest(null, false, database, user);
    }

    public boolean isLocal() {
        return address == null;
    }
}
