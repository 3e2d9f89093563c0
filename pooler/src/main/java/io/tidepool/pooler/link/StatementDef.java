package io.tidepool.pooler.link;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A named prepared statement as a client defined it: the query text and parameter types, and the name the pooler
 * prepares it under on server connections. The server-side name is a digest of text and types, so identical
 * statements from different clients share one server-side statement without any shared registry (and without any
 * state to grow: RELIABILITY case 33).
 *
 * @param serverName     {@code tp_} + 128 bits of SHA-256 over the query and the parameter types
 * @param query          the query text
 * @param parameterTypes the Parse message's int16 count and int32 OIDs, as sent
 */
public record StatementDef(String serverName, String query, byte[] parameterTypes) {
    public static StatementDef of(String query, byte[] parameterTypes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(query.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(parameterTypes);
            return new StatementDef("tp_" + HexFormat.of().formatHex(sha.digest(), 0, 16), query,
                    parameterTypes.clone());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatementDef other && serverName.equals(other.serverName);
    }

    @Override
    public int hashCode() {
        return serverName.hashCode();
    }

    @Override
    public String toString() {
        return "StatementDef[" + serverName + ", " + parameterTypes.length + " type bytes]";
    }

}
