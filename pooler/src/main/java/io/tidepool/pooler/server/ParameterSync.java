package io.tidepool.pooler.server;

import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the one query that makes a server connection's session parameters match what a client expects (PgBouncer's
 * varcache apply step): {@code set_config} for every value that differs, {@code RESET} for parameters the pooler set
 * for an earlier client that this client did not ask for. One round trip, whatever the number of parameters.
 */
final class ParameterSync {
    /** What the sync will change, so the cache can be updated once the server confirmed it. */
    record Plan(String sql, Map<String, String> sets, List<String> resets) {
    }

    private ParameterSync() {
    }

    /**
     * @param wanted the client's parameters, names in lower case
     * @return null when the server already matches (the common case: checked without allocating)
     */
    static @Nullable Plan plan(Map<String, String> wanted, ServerParameters server) {
        if (matches(wanted, server)) {
            return null;
        }
        StringBuilder select = new StringBuilder();
        Map<String, String> sets = new java.util.LinkedHashMap<>();
        Set<String> wantedKeys = new HashSet<>();
        for (Map.Entry<String, String> entry : wanted.entrySet()) {
            wantedKeys.add(entry.getKey().toLowerCase(Locale.ROOT));
            if (server.has(entry.getKey(), entry.getValue())) {
                continue;
            }
            select.append(select.isEmpty() ? "SELECT " : ", ")
                    .append("pg_catalog.set_config(").append(literal(entry.getKey())).append(", ")
                    .append(literal(entry.getValue())).append(", false)");
            sets.put(entry.getKey(), entry.getValue());
        }
        List<String> resets = new ArrayList<>();
        StringBuilder sql = new StringBuilder(select);
        for (String name : server.appliedNames()) {
            if (!wantedKeys.contains(name)) {
                resets.add(name);
                sql.append(sql.isEmpty() ? "" : "; ").append("RESET ").append(identifier(name));
            }
        }
        return sql.isEmpty() ? null : new Plan(sql.toString(), sets, resets);
    }

    private static boolean matches(Map<String, String> wanted, ServerParameters server) {
        for (Map.Entry<String, String> entry : wanted.entrySet()) {
            if (!server.has(entry.getKey(), entry.getValue())) {
                return false;
            }
        }
        for (String name : server.appliedNames()) {
            if (!wanted.containsKey(name)) {
                return false;
            }
        }
        return true;
    }

    /** An escape-string literal: correct whatever standard_conforming_strings is. */
    static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
