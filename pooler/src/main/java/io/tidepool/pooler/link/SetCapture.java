package io.tidepool.pooler.link;

import org.jspecify.annotations.Nullable;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a Query that is exactly one session-level {@code SET}, {@code SET ROLE}, {@code SET SESSION
 * AUTHORIZATION} or {@code RESET}, so that transaction pooling can carry the setting with the client to its next
 * server connection (replayed with set_config) and undo it for the next client of this one (RESET), as PgBouncer's
 * varcache does for reported parameters only. Anything more complex (several statements, SET LOCAL, functions)
 * is not recognised, and the session-state watch pins the client instead.
 *
 * @param name  the parameter, lower case ({@code role}, {@code session_authorization} for the two special forms)
 * @param value the value as set_config takes it, or null for RESET / SET ... TO DEFAULT
 */
public record SetCapture(String name, @Nullable String value) {
    private static final Pattern SET = Pattern.compile(
            "(?is)\\s*SET\\s+(?:SESSION\\s+(?!AUTHORIZATION\\b))?(SESSION\\s+AUTHORIZATION|ROLE|[A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?)"
                    + "\\s*(?:=|\\s+TO\\s+|\\s+)\\s*(.+?)\\s*;?\\s*");
    private static final Pattern RESET = Pattern.compile(
            "(?is)\\s*RESET\\s+(SESSION\\s+AUTHORIZATION|ROLE|[A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?)\\s*;?\\s*");
    /** SET LOCAL and SET TRANSACTION: they end with the transaction (sql-set.html, sql-set-transaction.html). */
    private static final Pattern LOCAL = Pattern.compile("(?is)\\s*SET\\s+(?:LOCAL|TRANSACTION)\\b.*");
    /** Enough of a statement to tell SET LOCAL from SET (whitespace and comments before it aside). */
    private static final int PREFIX = 64;
    private static final Pattern SIMPLE_VALUE = Pattern.compile("[A-Za-z0-9_.+\\-/:, ]+");

    /**
     * A look at the first bytes of a Query body, without decoding it: only queries starting with SET or RESET go on
     * to {@link #of} (every other query costs no allocation here).
     */
    public static boolean mayBeSet(io.netty.buffer.ByteBuf body) {
        return mayBeSetAt(body, body.readerIndex());
    }

    /** {@link #mayBeSet} for text that starts at {@code from} (the frame's own buffer, no slice needed). */
    public static boolean mayBeSetAt(io.netty.buffer.ByteBuf body, int from) {
        int i = from;
        int end = body.writerIndex();
        byte first = i < end ? body.getByte(i) : 0;
        while (Character.isWhitespace(first) && ++i < end) {
            first = body.getByte(i);
        }
        // One byte decides for almost every query (SELECT, INSERT, BEGIN...): each getByte of a direct buffer is a
        // bounds- and liveness-checked memory access, measurable at tens of thousands of queries a second.
        return switch (first | 0x20) {
            case 's' -> startsWithIgnoreCase(body, i, end, "set");
            case 'r' -> startsWithIgnoreCase(body, i, end, "reset");
            default -> false;
        };
    }

    private static boolean startsWithIgnoreCase(io.netty.buffer.ByteBuf body, int at, int end, String word) {
        if (end - at <= word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if ((body.getByte(at + k) | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return Character.isWhitespace(body.getByte(at + word.length()));
    }

    /**
     * Whether a Parse body (statement name, query, ...) prepares a SET LOCAL or SET TRANSACTION. Only a query that
     * starts with SET is decoded, and only its first bytes: every other Parse costs no allocation here.
     */
    public static boolean parsesLocalSet(io.netty.buffer.ByteBuf body) {
        int name = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
        if (name < 0 || !mayBeSetAt(body, name + 1)) {
            return false;
        }
        int start = name + 1;
        int nul = body.indexOf(start, body.writerIndex(), (byte) 0);
        int length = Math.min(PREFIX, (nul < 0 ? body.writerIndex() : nul) - start);
        return isLocal(body.toString(start, length, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Whether {@code sql} starts with SET LOCAL or SET TRANSACTION (only its first statement is looked at). */
    public static boolean isLocal(String sql) {
        return LOCAL.matcher(sql.length() > PREFIX ? sql.substring(0, PREFIX) : sql).matches();
    }

    /** The capture for {@code sql}, or null when it is not exactly one plain SET/RESET. */
    public static @Nullable SetCapture of(String sql) {
        if (sql.length() > 4096 || sql.indexOf(';') >= 0 && sql.indexOf(';') < sql.strip().length() - 1) {
            return null;                                    // several statements
        }
        Matcher reset = RESET.matcher(sql);
        if (reset.matches()) {
            String name = normalize(reset.group(1));
            return name.equals("all") ? null : new SetCapture(name, null);
        }
        Matcher set = SET.matcher(sql);
        if (!set.matches()) {
            return null;
        }
        String name = normalize(set.group(1));
        if (name.equals("local") || name.equals("transaction") || name.equals("constraints")) {
            return null;                                    // not session-level, or not a parameter
        }
        String value = value(set.group(2));
        if (value == null) {
            return null;
        }
        return new SetCapture(name, value.equalsIgnoreCase("default") ? null : value);
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return lower.equals("session authorization") ? "session_authorization" : lower;
    }

    /** 'quoted' (with '' inside) or a plain word list; anything else (E'', $$, expressions) is not recognised. */
    private static @Nullable String value(String text) {
        if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
            return text.substring(1, text.length() - 1).replace("''", "'");
        }
        return SIMPLE_VALUE.matcher(text).matches() ? text : null;
    }
}
