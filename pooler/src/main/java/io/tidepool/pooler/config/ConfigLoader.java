package io.tidepool.pooler.config;

import io.tidepool.wire.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a PgBouncer-style ini file into a {@link Config}, validating all of it and reporting every problem at once
 * ({@code file:line: message}). Section names and {@code [pgbouncer]} keys are case-insensitive and an unknown
 * {@code [pgbouncer]} key is a warning ({@link Config#warnings()}), so every file PgBouncer accepts loads here too
 * (PgBouncer itself is stricter on both). Database and user names stay case-sensitive, as in PostgreSQL.
 *
 * <p>A pure function of the file contents: the caller (startup, RELOAD, SIGHUP) runs it off the event loops and
 * decides what to do with the result. Stateless; any thread.
 */
public final class ConfigLoader {
    /** Tidepool's own sections (plus PgBouncer's [peers]), kept raw; {@code vrrp_script NAME} is matched by prefix. */
    static final Set<String> EXTRA_SECTIONS = Set.of("routing", "vrrp", "metrics", "peers");
    static final String VRRP_SCRIPT = "vrrp_script";

    private ConfigLoader() {
    }

    /**
     * Reads and validates a configuration file and the files it includes.
     *
     * @throws ConfigException listing every problem, each with {@code file:line}
     */
    public static Config load(Path path) {
        return load(path, true);
    }

    /**
     * Like {@link #load(Path)}; with {@code requireMain} false a file without {@code [pgbouncer]} is accepted (all
     * defaults): {@code tidepool vrrp} reads files that hold only {@code [vrrp]} sections.
     */
    public static Config load(Path path, boolean requireMain) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(path + ": cannot read: " + e);
        }
        return parse(text, path, Files::readString, requireMain);
    }

    /** {@link #load} for text already in memory; {@code origin} names it and anchors relative {@code %include}s. */
    public static Config parse(String text, Path origin) {
        return parse(text, origin, Files::readString, true);
    }

    static Config parse(String text, Path origin, IniReader.FileSource files) {
        return parse(text, origin, files, true);
    }

    static Config parse(String text, Path origin, IniReader.FileSource files, boolean requireMain) {
        var ini = IniReader.read(text, origin, files);
        var problems = new ArrayList<String>();
        var warnings = new ArrayList<String>();
        var values = new HashMap<Setting<?>, Object>();
        var databases = new LinkedHashMap<String, DatabaseEntry>();
        var users = new LinkedHashMap<String, UserSettings>();
        var extra = new LinkedHashMap<String, Map<String, String>>();
        boolean sawMain = false;
        boolean inInvalidSection = false;   // its keys are not reported again, one problem per bad header is enough
        String section = null;
        for (var item : ini.items()) {
            if (item.kind() == IniReader.Kind.PROBLEM) {
                problems.add(item.key());
                continue;
            }
            if (item.kind() == IniReader.Kind.HEADER) {
                section = sectionName(item.key());
                inInvalidSection = section == null;
                if (section == null) {
                    problems.add(item.where() + ": invalid section \"" + item.key() + "\" (expected: pgbouncer, "
                            + "databases, users, peers, routing, vrrp, vrrp_script NAME or metrics)");
                } else if (section.equals("pgbouncer")) {
                    sawMain = true;
                } else if (!section.equals("databases") && !section.equals("users")) {
                    extra.computeIfAbsent(section, k -> new LinkedHashMap<>());
                }
                continue;
            }
            var value = item.value();
            if (section == null) {
                if (!inInvalidSection) {
                    problems.add(item.where() + ": " + item.key() + ": value outside of any section");
                }
                continue;
            }
            try {
                switch (section) {
                    case "pgbouncer" -> {
                        var key = Keys.byName(item.key());
                        if (key.isEmpty()) {
                            warnings.add(item.where() + ": unknown parameter: pgbouncer/" + item.key() + " (ignored)");
                        } else {
                            values.put(key.get(), key.get().parse(value));
                        }
                    }
                    case "databases" -> databases.put(item.key(), DatabaseEntry.parse(item.key(), value));
                    case "users" -> users.put(item.key(), UserSettings.parse(item.key(), value));
                    default -> extra.get(section).put(item.key().toLowerCase(Locale.ROOT), value);
                }
            } catch (ConfigException e) {
                var prefix = switch (section) {
                    case "databases" -> item.where() + ": database " + item.key() + ": ";
                    case "users" -> item.where() + ": user " + item.key() + ": ";
                    default -> item.where() + ": ";
                };
                e.problems().forEach(p -> problems.add(prefix + p));
            }
        }
        if (!sawMain && !ini.hasProblems() && requireMain) {
            problems.add(origin + ": main section [pgbouncer] missing from configuration");
        }
        if (!values.containsKey(Keys.CONFFILE)) {
            values.put(Keys.CONFFILE, origin.toString());
        }
        var settings = Settings.of(values);
        crossCheck(settings, origin, problems, warnings);
        if (extra.containsKey("peers") && !extra.get("peers").isEmpty()) {
            warnings.add(origin + ": [peers] is not supported by Tidepool yet; cancel requests are not forwarded");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Config(settings, databases, users, extra, origin, warnings);
    }

    /** Checks that involve more than one key; PgBouncer would fail on these only later, at startup or first use. */
    private static void crossCheck(Settings s, Path origin, List<String> problems, List<String> warnings) {
        if (s.get(Keys.AUTH_TYPE) == AuthType.HBA && s.get(Keys.AUTH_HBA_FILE).isEmpty()) {
            problems.add(origin + ": auth_type: \"hba\" needs auth_hba_file to be set");
        }
        if (s.get(Keys.CLIENT_TLS_SSLMODE) != SslMode.DISABLE
                && (s.get(Keys.CLIENT_TLS_KEY_FILE).isEmpty() || s.get(Keys.CLIENT_TLS_CERT_FILE).isEmpty())) {
            problems.add(origin + ": client_tls_sslmode: \"" + s.get(Keys.CLIENT_TLS_SSLMODE).configName()
                    + "\" needs client_tls_key_file and client_tls_cert_file to be set");
        }
        if (s.get(Keys.MAX_PACKET_SIZE) > Limits.PG_LARGE_MESSAGE_LIMIT) {
            warnings.add(origin + ": max_packet_size: " + s.get(Keys.MAX_PACKET_SIZE) + " is above PostgreSQL's own "
                    + "limit of " + Limits.PG_LARGE_MESSAGE_LIMIT
                    + "; larger messages are refused by the server anyway");
        }
    }

    /** The canonical section name (lower case; {@code vrrp_script NAME} keeps NAME as written), or null if unknown. */
    static String sectionName(String raw) {
        var lower = raw.toLowerCase(Locale.ROOT);
        if (lower.equals("pgbouncer") || lower.equals("databases") || lower.equals("users")
                || EXTRA_SECTIONS.contains(lower)) {
            return lower;
        }
        if (lower.startsWith(VRRP_SCRIPT) && raw.length() > VRRP_SCRIPT.length()
                && Character.isWhitespace(raw.charAt(VRRP_SCRIPT.length()))) {
            var name = raw.substring(VRRP_SCRIPT.length()).strip();
            return name.isEmpty() || name.contains(" ") ? null : VRRP_SCRIPT + " " + name;
        }
        return null;
    }
}
