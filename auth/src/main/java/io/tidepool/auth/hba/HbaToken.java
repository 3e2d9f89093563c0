package io.tidepool.auth.hba;

import java.util.ArrayList;
import java.util.List;

/**
 * One pg_hba.conf token: its text and whether it was quoted (a quoted {@code "all"} is a database named all, not the
 * keyword). Tokenization follows PostgreSQL's {@code next_token}: whitespace separates fields, commas separate list
 * elements within a field, double quotes quote (a doubled quote inside is a literal quote), {@code #} starts a
 * comment outside quotes. Whitespace after a comma continues the list, as in PostgreSQL.
 */
record HbaToken(String text, boolean quoted) {
    /** Whether this is the unquoted keyword {@code keyword}. */
    boolean is(String keyword) {
        return !quoted && text.equals(keyword);
    }

    /** Splits one logical line into fields, each a list of comma-separated tokens. */
    static List<List<HbaToken>> fields(String line, int lineNumber) {
        List<List<HbaToken>> fields = new ArrayList<>();
        List<HbaToken> current = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        boolean pending = false;   // a token (possibly empty and quoted) has started
        boolean afterComma = false;  // as PostgreSQL, whitespace after a ',' continues the list
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        text.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    text.append(c);
                }
            } else if (c == '#') {
                break;
            } else if (c == '"') {
                afterComma = false;
                inQuotes = true;
                quoted = true;
                pending = true;
            } else if (c == ',') {
                if (!pending) {
                    throw new HbaParseException(lineNumber, "empty list element");
                }
                current.add(new HbaToken(text.toString(), quoted));
                text.setLength(0);
                quoted = false;
                pending = false;
                afterComma = true;
            } else if (Character.isWhitespace(c)) {
                if (afterComma) {
                    continue;
                }
                if (pending) {
                    current.add(new HbaToken(text.toString(), quoted));
                    text.setLength(0);
                    quoted = false;
                    pending = false;
                }
                if (!current.isEmpty()) {
                    fields.add(List.copyOf(current));
                    current.clear();
                }
            } else {
                afterComma = false;
                text.append(c);
                pending = true;
            }
        }
        if (afterComma) {
            throw new HbaParseException(lineNumber, "list ends with ','");
        }
        if (inQuotes) {
            throw new HbaParseException(lineNumber, "unterminated quoted string");
        }
        if (pending) {
            current.add(new HbaToken(text.toString(), quoted));
        }
        if (!current.isEmpty()) {
            fields.add(List.copyOf(current));
        }
        return fields;
    }
}
