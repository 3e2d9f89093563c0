package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;

/**
 * Finds, in the SQL text of a Query or Parse, the session objects that outlive their transaction without leaving a
 * trace in the protocol (no tag of their own, no ParameterStatus): temporary tables, views and sequences
 * ({@code CREATE [GLOBAL|LOCAL] TEMP|TEMPORARY ...}, {@code CREATE TABLE pg_temp.x}, {@code SELECT ... INTO TEMP}),
 * cursors declared {@code WITH HOLD}, and session-level advisory locks ({@code pg_advisory_lock},
 * {@code pg_advisory_lock_shared}, {@code pg_try_advisory_lock}, {@code pg_try_advisory_lock_shared}; the
 * {@code _xact_} forms end with their transaction, explicit-locking.html#ADVISORY-LOCKS). A temporary table created
 * {@code ON COMMIT DROP} and a cursor without HOLD die with their transaction and are not reported, nor is a text's
 * only temporary object when a later DROP statement of the same text names it ({@code CREATE TEMP TABLE t ...; ...;
 * DROP TABLE t}).
 *
 * <p>Not a parser: the text is cut into words ({@code [A-Za-z0-9_$]} and non-ASCII bytes) and statements (a
 * {@code ;} outside single quotes), and each statement's first word says what to look for. Words inside literals,
 * comments and dollar-quoted bodies count like any other, so a function body or a literal such as
 * {@code 'into temp'} may be reported (pinning a client that did not need it costs a server; missing an object
 * leaks it). What it cannot see: text that does not start with B, C, D, S or W (after white space: an
 * {@code UPDATE ... WHERE pg_try_advisory_lock(id)}, {@code EXPLAIN ANALYZE}, a leading comment), objects made inside
 * functions the client calls, and anything past the first {@link #SCAN_LIMIT} bytes of the text.
 *
 * <p>Cost: one byte decides for a statement starting with any other letter; the others are copied out in chunks of
 * {@value #CHUNK} bytes and read once, without allocation (about 400 bytes per instance). One instance per client
 * (it holds the scan's state); event-loop confined.
 */
public final class SessionObjectScan {
    /** Feature name of a temporary table, view or sequence. */
    public static final String TEMPORARY = "a temporary table, view or sequence";
    /** Feature name of a cursor declared WITH HOLD. */
    public static final String WITH_HOLD = "a WITH HOLD cursor";
    /** Feature name of a session-level advisory lock. */
    public static final String ADVISORY_LOCK = "a session-level advisory lock";
    /** Bytes of SQL text looked at; a longer text is judged by its beginning only. */
    public static final int SCAN_LIMIT = 4096;

    /** Found flags, as {@link #scan} returns them. */
    public static final int FOUND_TEMPORARY = 1;
    public static final int FOUND_WITH_HOLD = 2;
    public static final int FOUND_ADVISORY_LOCK = 4;

    /** Words that matter; every other word is {@link #W_OTHER}. */
    private static final int W_OTHER = 0;
    private static final int W_CREATE = 1;
    private static final int W_SELECT = 2;
    private static final int W_WITH = 3;
    private static final int W_DECLARE = 4;
    private static final int W_DO = 5;
    /** temp, temporary. */
    private static final int W_TEMP = 6;
    /** global, local (SELECT ... INTO LOCAL TEMP). */
    private static final int W_SCOPE = 7;
    private static final int W_INTO = 8;
    private static final int W_HOLD = 9;
    private static final int W_ON = 10;
    private static final int W_COMMIT = 11;
    private static final int W_DROP = 12;
    /** A word containing advisory_lock: the four session-level lock functions, never the _xact_ or unlock ones. */
    private static final int W_ADVISORY = 13;
    /** The temporary schema: CREATE TABLE pg_temp.t makes a temporary table (sql-createtable.html). */
    private static final int W_PG_TEMP = 14;
    private static final int W_REPLACE = 15;
    /** table, view, sequence, if, not, exists, unlogged, recursive: words between TEMP and the object's name. */
    private static final int W_NOISE = 16;
    /** CREATE TABLE IF NOT EXISTS pg_temp.t: the schema within the first six words. */
    private static final int CREATE_WORDS = 6;
    /** Bytes of a word kept (lower case): pg_try_advisory_lock_shared keeps its advisory_lock. */
    private static final int KEPT = 24;
    private static final byte[] ADVISORY_LOCK_WORD = "advisory_lock".getBytes(StandardCharsets.US_ASCII);

    /** A word's bytes in lower case ([A-Za-z0-9_$] and every non-ASCII byte); 0 for a byte that ends a word. */
    private static final byte[] WORD_BYTE = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            boolean inWord = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
                    || b == '$' || b >= 0x80;
            WORD_BYTE[b] = inWord ? (byte) (b >= 'A' && b <= 'Z' ? b | 0x20 : b) : 0;
        }
    }

    /** Bytes copied out of the buffer at a time. */
    private static final int CHUNK = 256;

    private final byte[] chunk = new byte[CHUNK];
    private final byte[] word = new byte[KEPT];
    private int length;
    private boolean quoted;
    /** The current statement's first word, and how many words it has had. */
    private int kind;
    private int words;
    private int previous;
    private int beforePrevious;
    private boolean temporary;
    private boolean onCommitDrop;
    private boolean hold;
    private int found;
    /** Temporary objects this text makes (ON COMMIT DROP aside); the current statement's one's name; the first's. */
    private int temporaries;
    private final byte[] statementTemporary = new byte[KEPT];
    private int statementTemporaryLength;
    private final byte[] firstTemporary = new byte[KEPT];
    private int firstTemporaryLength;
    /** A DROP statement after it names the text's only temporary object (CREATE TEMP TABLE t ...; DROP TABLE t). */
    private boolean temporaryDropped;

    /**
     * Whether the text at {@code from} starts (after white space) with a letter a statement that makes a session
     * object can start with: C (CREATE), D (DECLARE, DO), S (SELECT), W (WITH), or B (BEGIN, for a whole block sent
     * as one Query). One byte for almost every other query.
     */
    public static boolean mayMakeObject(ByteBuf body, int from) {
        int end = body.writerIndex();
        int i = from;
        byte first = i < end ? body.getByte(i) : 0;
        while ((first == ' ' || first == '\n' || first == '\t' || first == '\r') && ++i < end) {
            first = body.getByte(i);
        }
        return switch (first | 0x20) {
            case 'b', 'c', 'd', 's', 'w' -> true;
            default -> false;
        };
    }

    /**
     * Scans the SQL text at {@code from} (up to its NUL, the buffer's end or {@link #SCAN_LIMIT} bytes).
     *
     * @return the {@code FOUND_*} flags of what the text makes; 0 for nothing
     */
    public int scan(ByteBuf body, int from) {
        length = 0;
        quoted = false;
        found = 0;
        temporaries = 0;
        firstTemporaryLength = 0;
        temporaryDropped = false;
        startStatement();
        int end = from + Math.min(SCAN_LIMIT, body.writerIndex() - from);
        boolean more = true;
        for (int at = from; more && at < end; at += CHUNK) {
            // A bulk copy and an array loop: reading a direct buffer byte by byte costs several times more.
            int n = Math.min(CHUNK, end - at);
            byte[] bytes = chunk;
            byte[] kept = word;
            body.getBytes(at, bytes, 0, n);
            int len = length;                       // a local in the loop: word bytes are most of the text
            for (int i = 0; i < n; i++) {
                byte b = bytes[i];
                byte lower = WORD_BYTE[b & 0xFF];
                if (lower != 0) {
                    if (len < KEPT) {
                        kept[len] = lower;
                    }
                    len++;
                } else {
                    length = len;
                    more = separator(b);
                    len = length;
                    if (!more) {
                        break;
                    }
                }
            }
            length = len;
        }
        endWord();
        endStatement();
        if (temporaries > 0 && !(temporaries == 1 && temporaryDropped)) {
            found |= FOUND_TEMPORARY;
        }
        return found;
    }

    /** The feature name to report for {@code flags}: the advisory lock first, as no rollback undoes it. */
    public static @Nullable String feature(int flags) {
        if ((flags & FOUND_ADVISORY_LOCK) != 0) {
            return ADVISORY_LOCK;
        }
        if ((flags & FOUND_WITH_HOLD) != 0) {
            return WITH_HOLD;
        }
        return (flags & FOUND_TEMPORARY) != 0 ? TEMPORARY : null;
    }

    private boolean separator(byte b) {
        endWord();
        if (b == '\'') {
            quoted = !quoted;                       // '' inside a literal toggles twice
        } else if (b == ';' && !quoted) {
            endStatement();
            startStatement();
        } else if (b == 0) {
            return false;                           // the text's end (Query) or the statement's (Parse)
        }
        return true;
    }

    private void endWord() {
        if (length == 0) {
            return;
        }
        int code = code();
        words++;
        if (words == 1) {
            kind = code;
        }
        if (code == W_ADVISORY) {
            found |= FOUND_ADVISORY_LOCK;
        }
        switch (kind) {
            case W_CREATE, W_DO -> {
                temporary |= makesTemporary(code) || code == W_PG_TEMP && (kind == W_DO || words <= CREATE_WORDS);
                onCommitDrop |= code == W_DROP && previous == W_COMMIT && beforePrevious == W_ON;
            }
            case W_SELECT, W_WITH -> temporary |= makesTemporary(code);
            case W_DECLARE -> hold |= code == W_HOLD && previous == W_WITH;
            case W_DROP -> temporaryDropped |= temporaries == 1 && words > 1 && code == W_OTHER
                    && sameWord(firstTemporary, firstTemporaryLength);
            default -> {
            }
        }
        if (temporary && statementTemporaryLength == 0 && code == W_OTHER) {
            statementTemporaryLength = length;      // the first plain word after TEMP: the object's name
            System.arraycopy(word, 0, statementTemporary, 0, Math.min(length, KEPT));
        }
        length = 0;
        beforePrevious = previous;
        previous = code;
    }

    /**
     * CREATE [OR REPLACE] [GLOBAL|LOCAL] TEMP|TEMPORARY, or INTO [GLOBAL|LOCAL] TEMP|TEMPORARY or INTO pg_temp.t:
     * the word before TEMP decides, so a column named temp is not taken for one.
     */
    private boolean makesTemporary(int code) {
        return code == W_TEMP && (previous == W_CREATE || previous == W_SCOPE || previous == W_REPLACE)
                || previous == W_INTO && (code == W_TEMP || code == W_SCOPE || code == W_PG_TEMP);
    }

    private void startStatement() {
        kind = W_OTHER;
        words = 0;
        previous = W_OTHER;
        beforePrevious = W_OTHER;
        temporary = false;
        onCommitDrop = false;
        hold = false;
        statementTemporaryLength = 0;
    }

    private void endStatement() {
        if (temporary && !onCommitDrop && ++temporaries == 1) {
            firstTemporaryLength = statementTemporaryLength;
            System.arraycopy(statementTemporary, 0, firstTemporary, 0, Math.min(statementTemporaryLength, KEPT));
        }
        if (hold) {
            found |= FOUND_WITH_HOLD;
        }
    }

    /** The word's code: its length and first byte rule out almost every word before any comparison. */
    private int code() {
        if (length >= ADVISORY_LOCK_WORD.length) {
            return hasAdvisoryLock() ? W_ADVISORY : W_OTHER;
        }
        return switch (word[0]) {
            case 'c' -> is("create") ? W_CREATE : is("commit") ? W_COMMIT : W_OTHER;
            case 'd' -> is("do") ? W_DO : is("drop") ? W_DROP : is("declare") ? W_DECLARE : W_OTHER;
            case 'e' -> is("exists") ? W_NOISE : W_OTHER;
            case 'g' -> is("global") ? W_SCOPE : W_OTHER;
            case 'h' -> is("hold") ? W_HOLD : W_OTHER;
            case 'i' -> is("into") ? W_INTO : is("if") ? W_NOISE : W_OTHER;
            case 'l' -> is("local") ? W_SCOPE : W_OTHER;
            case 'n' -> is("not") ? W_NOISE : W_OTHER;
            case 'o' -> is("on") ? W_ON : W_OTHER;
            case 'p' -> is("pg_temp") ? W_PG_TEMP : W_OTHER;
            case 'r' -> is("replace") ? W_REPLACE : is("recursive") ? W_NOISE : W_OTHER;
            case 's' -> is("select") ? W_SELECT : is("sequence") ? W_NOISE : W_OTHER;
            case 't' -> is("temp") || is("temporary") ? W_TEMP : is("table") ? W_NOISE : W_OTHER;
            case 'u' -> is("unlogged") ? W_NOISE : W_OTHER;
            case 'v' -> is("view") ? W_NOISE : W_OTHER;
            case 'w' -> is("with") ? W_WITH : W_OTHER;
            default -> W_OTHER;
        };
    }

    /** Whether the current word is {@code expected} (lower case ASCII); the first byte is already known to match. */
    private boolean is(String expected) {
        if (length != expected.length()) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            if (word[i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean sameWord(byte[] other, int otherLength) {
        return otherLength == length && java.util.Arrays.equals(word, 0, Math.min(length, KEPT), other, 0,
                Math.min(length, KEPT));
    }

    private boolean hasAdvisoryLock() {
        int kept = Math.min(length, KEPT);
        outer:
        for (int at = 0; at + ADVISORY_LOCK_WORD.length <= kept; at++) {
            for (int k = 0; k < ADVISORY_LOCK_WORD.length; k++) {
                if (word[at + k] != ADVISORY_LOCK_WORD[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
