package io.tidepool.pooler.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PgBouncer's connection-string syntax for {@code [databases]} and {@code [users]} values ({@code loader.c},
 * {@code cstr_get_pair}): {@code key=value} pairs separated by spaces; a value may be quoted with single quotes, a
 * quote inside written twice ({@code password='it''s'}). Unlike libpq, a backslash is an ordinary character, and an
 * empty value ({@code key=} or {@code key=''}) is a syntax error. Pure; any thread.
 */
final class ConnString {
    private ConnString() {
    }

    /**
     * The pairs in order; a key given twice keeps the last value (PgBouncer overwrites). Error texts never include the
     * value, which may be a password.
     */
    static Map<String, String> parse(String s) {
        var pairs = new LinkedHashMap<String, String>();
        int p = skipSpace(s, 0);
        while (p < s.length()) {
            int keyStart = p;
            while (p < s.length() && s.charAt(p) != '=' && !isSpace(s.charAt(p))) {
                p++;
            }
            var key = s.substring(keyStart, p);
            p = skipSpace(s, p);
            if (key.isEmpty() || p >= s.length() || s.charAt(p) != '=') {
                throw syntax(keyStart, "a key followed by '='");
            }
            p = skipSpace(s, p + 1);
            var value = new StringBuilder();
            if (p < s.length() && s.charAt(p) == '\'') {
                int quoteStart = p++;
                while (true) {
                    if (p >= s.length()) {
                        throw syntax(quoteStart, "a closing quote for the value of " + key);
                    }
                    char c = s.charAt(p);
                    if (c == '\'') {
                        if (p + 1 < s.length() && s.charAt(p + 1) == '\'') {
                            value.append('\'');
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    value.append(c);
                    p++;
                }
                if (p < s.length() && !isSpace(s.charAt(p))) {
                    throw syntax(p, "a space after the quoted value of " + key);
                }
            } else {
                while (p < s.length() && s.charAt(p) != ' ') {
                    value.append(s.charAt(p++));
                }
            }
            if (value.isEmpty()) {
                throw syntax(p, "a non-empty value for " + key);
            }
            pairs.put(key, value.toString());
            p = skipSpace(s, p);
        }
        return pairs;
    }

    private static ConfigException syntax(int offset, String expected) {
        return new ConfigException("syntax error in connection string at offset " + offset + " (expected: "
                + expected + ")");
    }

    private static int skipSpace(String s, int p) {
        while (p < s.length() && isSpace(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }
}
