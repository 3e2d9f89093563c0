package io.tidepool.vip.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal ini reader for the standalone VRRP daemon: {@code [section]} headers, {@code key = value} lines, '#' and
 * ';' comment lines. The pooler has its own PgBouncer-compatible reader and calls {@link VrrpConfig#parse} directly.
 */
public final class IniSections {
    private IniSections() {
    }

    /** Section name to its keys, in file order. */
    public static Map<String, Map<String, String>> read(Path file) throws IOException {
        var sections = new LinkedHashMap<String, Map<String, String>>();
        Map<String, String> current = null;
        int lineNumber = 0;
        for (String raw : Files.readAllLines(file)) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String name = line.substring(1, line.length() - 1).strip().replaceAll("\\s+", " ");
                current = sections.computeIfAbsent(name, k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq <= 0) {
                throw new VrrpConfigException(file + ":" + lineNumber + ": '" + raw
                        + "' (expected: [section] or key = value inside a section)");
            }
            current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return sections;
    }

    /** The {@code [vrrp_script NAME]} sections, keyed by NAME. */
    public static Map<String, Map<String, String>> scripts(Map<String, Map<String, String>> sections) {
        var scripts = new LinkedHashMap<String, Map<String, String>>();
        sections.forEach((name, keys) -> {
            if (name.startsWith("vrrp_script ")) {
                scripts.put(name.substring("vrrp_script ".length()).strip(), keys);
            }
        });
        return scripts;
    }
}
