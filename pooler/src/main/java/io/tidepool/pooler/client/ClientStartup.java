package io.tidepool.pooler.client;

import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.StartupMessage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a client's StartupMessage into a {@link StartupRequest}. Pure: no I/O, no configuration lookups.
 *
 * <p>Unlike PgBouncer, which refuses any startup parameter it does not track, Tidepool applies every well-formed
 * run-time parameter on the server connection (as PostgreSQL itself would have at connect time), so JDBC's
 * {@code extra_float_digits} or a {@code search_path} in {@code options} work without ignore_startup_parameters.
 * Parameters listed in ignore_startup_parameters are dropped, as in PgBouncer.
 */
public final class ClientStartup {
    /** PostgreSQL's NAMEDATALEN - 1. */
    static final int MAX_NAME_BYTES = 63;
    private static final Pattern GUC_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    private final Set<String> ignored;

    /** @param ignoredParameters ignore_startup_parameters, compared case-insensitively */
    public ClientStartup(Set<String> ignoredParameters) {
        Set<String> lower = new java.util.HashSet<>();
        ignoredParameters.forEach(name -> lower.add(name.toLowerCase(Locale.ROOT)));
        this.ignored = Set.copyOf(lower);
    }

    public StartupRequest validate(StartupMessage message) {
        String user = message.user();
        if (user == null || user.isEmpty()) {
            throw new ProtocolException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no PostgreSQL user name specified in startup packet");
        }
        String database = message.database();
        requireName("user", user);
        requireName("database", database);
        Map<String, String> parameters = new LinkedHashMap<>();
        List<String> unsupported = new ArrayList<>();
        for (Map.Entry<String, String> entry : message.parameters().entrySet()) {
            String name = entry.getKey();
            String value = entry.getValue();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("user") || lower.equals("database")) {
                continue;
            }
            if (lower.startsWith("_pq_.")) {
                unsupported.add(name);            // we know none; listed in NegotiateProtocolVersion, never applied
                continue;
            }
            if (ignored.contains(lower)) {
                continue;
            }
            switch (lower) {
                case "replication" -> {
                    if (!isFalse(value)) {
                        throw new ProtocolException(SqlState.FEATURE_NOT_SUPPORTED,
                                "replication connections are not supported by Tidepool");
                    }
                }
                case "options" -> parseOptions(value, parameters);
                default -> putParameter(parameters, name, value);
            }
        }
        boolean negotiate = message.minorVersion() > 0 || !unsupported.isEmpty();
        return new StartupRequest(user, database, parameters, unsupported, negotiate);
    }

    private static void requireName(String what, String name) {
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new ProtocolException(SqlState.PROTOCOL_VIOLATION, what + " name too long (expected: at most "
                    + MAX_NAME_BYTES + " bytes)");
        }
    }

    private static boolean isFalse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "false", "off", "no", "0" -> true;
            default -> false;
        };
    }

    /**
     * The {@code options} parameter: PostgreSQL command-line switches separated by spaces, backslash escaping a
     * space. Only {@code -c name=value} and {@code --name=value} set run-time parameters; anything else would need a
     * server of its own, so it is refused. Linear in the input (CVE-2026-107349 looped on {@code -c=}).
     */
    static void parseOptions(String options, Map<String, String> into) {
        List<String> words = splitOptions(options);
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String assignment;
            if (word.equals("-c")) {
                if (i + 1 == words.size()) {
                    throw badOptions("-c without a value");
                }
                assignment = words.get(++i);
            } else if (word.startsWith("-c")) {
                assignment = word.substring(2);
            } else if (word.startsWith("--")) {
                assignment = word.substring(2);
            } else {
                throw badOptions("\"" + word + "\"");
            }
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw badOptions("\"" + assignment + "\" (expected: name=value)");
            }
            // PostgreSQL accepts "-c statement-timeout=0": dashes in names mean underscores.
            putParameter(into, assignment.substring(0, eq).replace('-', '_'), assignment.substring(eq + 1));
        }
    }

    private static List<String> splitOptions(String options) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (escaped) {
                word.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static void putParameter(Map<String, String> into, String name, String value) {
        if (!GUC_NAME.matcher(name).matches() || name.length() > MAX_NAME_BYTES) {
            throw new ProtocolException(SqlState.PROTOCOL_VIOLATION, "invalid startup parameter name: \""
                    + name.replaceAll("[^ -~]", "?") + "\"");
        }
        into.put(name, value);
    }

    private static ProtocolException badOptions(String what) {
        return new ProtocolException(SqlState.FEATURE_NOT_SUPPORTED,
                "unsupported options startup parameter: " + what + "; only '-c name=value' is allowed");
    }
}
