package io.tidepool.routing;

import java.util.Objects;

/**
 * One PostgreSQL server of a database entry, as the configuration names it ({@code host=pg1,pg2 port=5432}): a host
 * name or address and a TCP port. Immutable; used as a map key by the monitors and the pooler.
 *
 * @param name a DNS name or an IPv4/IPv6 literal (no brackets); never a Unix-socket directory, which the JDBC role
 *             probe cannot reach
 * @param port 1..65535
 */
public record Host(String name, int port) {

    public Host {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("host name: \"" + name + "\" (expected: a host name or address)");
        }
        if (name.startsWith("/") || name.startsWith("@")) {
            throw new IllegalArgumentException("host name: \"" + name
                    + "\" (expected: a TCP host; Unix-socket hosts cannot be role-monitored)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /** Parses {@code name:port} or {@code [v6]:port}, the form {@link #toString()} writes. */
    public static Host parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("host: \"" + text + "\" (expected: name:port)");
        }
        String name = text.substring(0, colon);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        try {
            return new Host(name, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("host: \"" + text + "\" (expected: name:port)", e);
        }
    }

    /** The authority part of a URL: {@code name:port}, with brackets around an IPv6 literal. */
    public String authority() {
        return (name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
