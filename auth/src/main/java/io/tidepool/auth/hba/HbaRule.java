package io.tidepool.auth.hba;

import io.tidepool.auth.AuthMethod;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parsed pg_hba.conf line. Database and user lists keep PostgreSQL's keywords as flags ({@code all},
 * {@code sameuser}) and everything else as literal names, {@code @} includes already expanded. Immutable.
 *
 * @param line the 1-based line number in the main file
 * @param address {@link AddressRange#ALL} for {@code local} lines
 * @param options the {@code name=value} options after the method (e.g. {@code clientcert=verify-full})
 */
public record HbaRule(int line, ConnectionType type, boolean allDatabases, boolean sameUser, Set<String> databases,
                      boolean allUsers, Set<String> users, AddressRange address, AuthMethod method,
                      Map<String, String> options) {
    /** The first column. */
    public enum ConnectionType {
        LOCAL("local"), HOST("host"), HOSTSSL("hostssl"), HOSTNOSSL("hostnossl");

        private final String keyword;

        ConnectionType(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }

        boolean matches(HbaRequest request) {
            return switch (this) {
                case LOCAL -> request.isLocal();
                case HOST -> !request.isLocal();
                case HOSTSSL -> !request.isLocal() && request.tls();
                case HOSTNOSSL -> !request.isLocal() && !request.tls();
            };
        }
    }

    public HbaRule {
        databases = Set.copyOf(databases);
        users = Set.copyOf(users);
        options = Map.copyOf(options);
    }

    /** Whether this line applies to {@code request} (PostgreSQL's {@code check_hba}). */
    public boolean matches(HbaRequest request) {
        if (!type.matches(request)) {
            return false;
        }
        if (!request.isLocal() && !address.contains(java.util.Objects.requireNonNull(request.address()))) {
            return false;
        }
        boolean database = allDatabases || (sameUser && request.database().equals(request.user()))
                || databases.contains(request.database());
        return database && (allUsers || users.contains(request.user()));
    }

    /** Database list shown in logs and SHOW output, in no particular order. */
    public List<String> databaseList() {
        var list = new java.util.ArrayList<>(databases);
        if (allDatabases) {
            list.add(0, "all");
        }
        if (sameUser) {
            list.add(0, "sameuser");
        }
        return list;
    }
}
