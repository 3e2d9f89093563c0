package io.tidepool.pooler.admin;

import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses one console query string with PgBouncer's grammar (src/admin.c {@code cmd_normal_rx}, {@code cmd_set_*_rx}):
 * {@code WORD [WORD] [;]} or {@code SET WORD (=|TO) (WORD|'string') [;]}, case-insensitive, where WORD is
 * {@code [0-9a-z_]+} or a double-quoted identifier. Exactly one statement: {@code SHOW POOLS; SHUTDOWN} does not match
 * the grammar and nothing runs (RELIABILITY case 62); comments are not part of the grammar either, as in PgBouncer.
 * A hand-written scanner instead of regular expressions: linear in the input, and the input is bounded by the
 * caller ({@link #MAX_QUERY_LENGTH}). Stateless.
 */
public final class AdminParser {
    /** Longest console query accepted; PgBouncer's arguments are at most 64 bytes (values 256). */
    public static final int MAX_QUERY_LENGTH = 4096;
    private static final int MAX_WORD = 64;
    private static final int MAX_VALUE = 1024;

    /** Answers PgBouncer gives drivers that probe these settings (admin.c fake_param_list). */
    private static final Map<String, String> FAKE_PARAMETERS = Map.of("client_encoding", "UTF-8",
            "default_transaction_isolation", "read committed", "standard_conforming_strings", "on",
            "datestyle", "ISO", "timezone", "GMT", "extra_float_digits", "2");

    private AdminParser() {
    }

    /** @throws AdminException with PgBouncer's "invalid command '...', use SHOW HELP;" or "bad arguments" */
    public static AdminCommand parse(String query) {
        if (query.length() > MAX_QUERY_LENGTH) {
            throw new AdminException(SqlState.PROGRAM_LIMIT_EXCEEDED, "console command too long: " + query.length()
                    + " characters (expected: at most " + MAX_QUERY_LENGTH + ")");
        }
        List<Token> tokens = tokens(query);
        if (!tokens.isEmpty() && tokens.getLast().kind == Kind.SEMICOLON) {
            tokens = tokens.subList(0, tokens.size() - 1);
        }
        if (!tokens.isEmpty() && tokens.getFirst().kind == Kind.WORD && tokens.getFirst().is("set")) {
            return set(query, tokens);
        }
        if (tokens.isEmpty() || tokens.size() > 2 || tokens.stream().anyMatch(t -> t.kind != Kind.WORD)) {
            throw invalid(query);
        }
        String command = tokens.getFirst().text.toLowerCase(Locale.ROOT);
        @Nullable String arg = tokens.size() == 2 ? tokens.get(1).text : null;
        return switch (command) {
            case "show", "select" -> show(query, arg);
            case "pause" -> new AdminCommand.Pause(arg);
            case "resume" -> new AdminCommand.Resume(arg);
            case "suspend" -> new AdminCommand.Suspend();
            case "disable" -> new AdminCommand.Disable(arg);
            case "enable" -> new AdminCommand.Enable(arg);
            case "reconnect" -> new AdminCommand.Reconnect(arg);
            case "readmit" -> new AdminCommand.Readmit(arg == null ? "" : arg);
            case "kill" -> new AdminCommand.Kill(arg);
            case "kill_client" -> new AdminCommand.KillClient(arg == null ? "" : arg);
            case "wait_close" -> new AdminCommand.WaitClose(arg);
            case "reload" -> {
                if (arg != null) {
                    throw invalid(query);
                }
                yield new AdminCommand.Reload();
            }
            case "shutdown" -> {
                AdminCommand.ShutdownMode mode = arg == null ? AdminCommand.ShutdownMode.IMMEDIATE
                        : AdminCommand.ShutdownMode.of(arg);
                if (mode == null) {
                    throw invalid(query);
                }
                yield new AdminCommand.Shutdown(mode);
            }
            default -> throw invalid(query);
        };
    }

    private static AdminCommand show(String query, @Nullable String arg) {
        if (arg == null) {
            throw invalid(query);
        }
        String fake = FAKE_PARAMETERS.get(arg.toLowerCase(Locale.ROOT));
        if (fake != null) {
            return new AdminCommand.FakeShow(arg.toLowerCase(Locale.ROOT), fake);
        }
        ShowCommand what = ShowCommand.lookup(arg);
        if (what == null) {
            throw invalid(query);
        }
        return new AdminCommand.Show(what);
    }

    private static AdminCommand set(String query, List<Token> tokens) {
        if (tokens.size() != 4 || tokens.get(1).kind != Kind.WORD
                || !(tokens.get(2).kind == Kind.EQUALS || tokens.get(2).kind == Kind.WORD && tokens.get(2).is("to"))
                || tokens.get(3).kind == Kind.EQUALS || tokens.get(3).kind == Kind.SEMICOLON) {
            throw invalid(query);
        }
        String key = tokens.get(1).text;
        if (key.isEmpty()) {
            throw new AdminException(SqlState.SYNTAX_ERROR, "bad arguments");
        }
        String lower = key.toLowerCase(Locale.ROOT);
        if (FAKE_PARAMETERS.containsKey(lower)) {
            return new AdminCommand.FakeSet(lower);
        }
        return new AdminCommand.Set(lower, tokens.get(3).text);
    }

    private static AdminException invalid(String query) {
        String shown = query.length() > 200 ? query.substring(0, 200) + "..." : query;
        return new AdminException(SqlState.SYNTAX_ERROR, "invalid command '" + shown + "', use SHOW HELP;");
    }

    // ---- scanner ---------------------------------------------------------------------------------------------

    private enum Kind { WORD, STRING, EQUALS, SEMICOLON }

    private record Token(Kind kind, String text) {
        boolean is(String word) {
            return text.equalsIgnoreCase(word);
        }
    }

    private static List<Token> tokens(String query) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = query.length();
        while (i < n) {
            char c = query.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c == ';') {
                if (!tokens.isEmpty() && tokens.getLast().kind == Kind.SEMICOLON) {
                    throw invalid(query);
                }
                tokens.add(new Token(Kind.SEMICOLON, ";"));
                i++;
            } else if (!tokens.isEmpty() && tokens.getLast().kind == Kind.SEMICOLON) {
                throw invalid(query);                       // anything after ';' is a second statement: refused
            } else if (c == '=') {
                tokens.add(new Token(Kind.EQUALS, "="));
                i++;
            } else if (c == '"' || c == '\'') {
                int end = quoted(query, i, c);
                String body = query.substring(i + 1, end - 1).replace(c == '"' ? "\"\"" : "''", c == '"' ? "\"" : "'");
                if (body.length() > (c == '"' ? MAX_WORD : MAX_VALUE)) {
                    throw new AdminException(SqlState.SYNTAX_ERROR, "bad arguments");
                }
                tokens.add(new Token(c == '"' ? Kind.WORD : Kind.STRING, body));
                i = end;
            } else if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(query.charAt(i))) {
                    i++;
                }
                if (i - start > MAX_WORD) {
                    throw new AdminException(SqlState.SYNTAX_ERROR, "bad arguments");
                }
                tokens.add(new Token(Kind.WORD, query.substring(start, i)));
            } else {
                throw invalid(query);
            }
        }
        return tokens;
    }

    /** Index just after the closing quote; a doubled quote is part of the body. */
    private static int quoted(String query, int start, char quote) {
        int i = start + 1;
        while (i < query.length()) {
            if (query.charAt(i) == quote) {
                if (i + 1 < query.length() && query.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw invalid(query);
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }
}
