package io.tidepool.pooler.config;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The ini syntax of PgBouncer's {@code cfparser.c}, with {@code %include}: turns text into section headers and
 * key/value items, each with its {@code file:line}. It knows nothing about what the keys mean ({@link ConfigLoader}
 * does). Syntax errors are collected, not thrown, so one run reports them all.
 *
 * <p>Rules, as PgBouncer: leading blanks are ignored; a line starting with {@code #} or {@code ;} is a comment (there
 * are no end-of-line comments: {@code a = b ; c} sets {@code a} to {@code b ; c}); a key is made of
 * {@code [A-Za-z0-9_.*-]} or quoted ({@code 'odd name'}, or {@code "odd name"} with {@code ""} for a quote, as the
 * PgBouncer docs describe for database names); blanks around {@code =} and at the end of the value are dropped.
 * {@code %include FILE} reads FILE in place, at most 10 levels deep. Differences: a relative FILE is relative to the
 * including file (PgBouncer: the working directory, which a service manager decides), and a file including itself
 * (directly or not) is reported as a cycle instead of running into the depth limit. Pure apart from the file
 * reads done through {@link FileSource}; any thread.
 */
final class IniReader {
    static final int MAX_INCLUDE_DEPTH = 10;

    /** Reads a file's text; {@link ConfigLoader} passes {@code Files::readString}, tests may pass anything. */
    @FunctionalInterface
    interface FileSource {
        String read(Path path) throws IOException;
    }

    /** What a line held. */
    enum Kind { HEADER, PAIR, PROBLEM }

    /**
     * A section header ({@code key} = its name), a key/value pair, or a syntax problem ({@code key} = the message,
     * already prefixed with {@code file:line}), with where it came from. {@code value} is set for pairs only. Problems
     * are items too so that the loader reports everything in file order.
     */
    record Item(Path file, int line, Kind kind, String key, @Nullable String value) {
        String where() {
            return file + ":" + line;
        }
    }

    private final FileSource source;
    private final List<Item> items = new ArrayList<>();

    private IniReader(FileSource source) {
        this.source = source;
    }

    /** Reads {@code text} (the contents of {@code origin}) and its includes. */
    static IniReader read(String text, Path origin, FileSource source) {
        var reader = new IniReader(source);
        var chain = new ArrayList<Path>();
        chain.add(origin.toAbsolutePath().normalize());
        reader.readText(text, origin, chain);
        return reader;
    }

    List<Item> items() {
        return items;
    }

    boolean hasProblems() {
        return items.stream().anyMatch(i -> i.kind() == Kind.PROBLEM);
    }

    private void readText(String text, Path file, List<Path> chain) {
        var lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            readLine(lines[i], file, i + 1, chain);
        }
    }

    private void readLine(String raw, Path file, int line, List<Path> chain) {
        var s = raw.strip();
        if (s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
            return;
        }
        if (s.startsWith("%include") && s.length() > 8 && (s.charAt(8) == ' ' || s.charAt(8) == '\t')) {
            include(s.substring(9).strip(), file, line, chain);
            return;
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                problem(file, line, "syntax error: section header without ']'");
                return;
            }
            items.add(new Item(file, line, Kind.HEADER, s.substring(1, close).strip(), null));
            readLine(s.substring(close + 1), file, line, chain);   // PgBouncer goes on parsing after ']'
            return;
        }
        readPair(s, file, line);
    }

    private void readPair(String s, Path file, int line) {
        String key;
        int p;
        if (s.charAt(0) == '\'') {
            int end = s.indexOf('\'', 1);
            if (end <= 1) {
                problem(file, line, "syntax error: unterminated or empty quoted key");
                return;
            }
            key = s.substring(1, end);
            p = end + 1;
        } else if (s.charAt(0) == '"') {
            var sb = new StringBuilder();
            p = 1;
            while (true) {
                if (p >= s.length()) {
                    problem(file, line, "syntax error: unterminated quoted key");
                    return;
                }
                if (s.charAt(p) == '"') {
                    if (p + 1 < s.length() && s.charAt(p + 1) == '"') {
                        sb.append('"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                sb.append(s.charAt(p++));
            }
            key = sb.toString();
            if (key.isEmpty()) {
                problem(file, line, "syntax error: empty quoted key");
                return;
            }
        } else {
            p = 0;
            while (p < s.length() && isKeyChar(s.charAt(p))) {
                p++;
            }
            key = s.substring(0, p);
        }
        while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
            p++;
        }
        if (key.isEmpty() || p >= s.length() || s.charAt(p) != '=') {
            problem(file, line, "syntax error (expected: key = value, a [section], a comment or "
                    + "%include; a key with characters other than A-Z a-z 0-9 _ . * - must be quoted)");
            return;
        }
        items.add(new Item(file, line, Kind.PAIR, key, s.substring(p + 1).strip()));
    }

    private void include(String name, Path file, int line, List<Path> chain) {
        if (name.isEmpty()) {
            problem(file, line, "%include without a file name");
            return;
        }
        if (chain.size() > MAX_INCLUDE_DEPTH) {
            problem(file, line, "include nesting level too deep (expected: at most "
                    + MAX_INCLUDE_DEPTH + ")");
            return;
        }
        var parent = file.toAbsolutePath().getParent();
        Path target;
        try {
            target = (parent == null ? Path.of(name) : parent.resolve(name)).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {     // e.g. a NUL byte in the name (found by ConfigLoaderFuzzTest)
            problem(file, line, "%include: invalid file name: " + e.getReason());
            return;
        }
        if (chain.contains(target)) {
            problem(file, line, "%include " + name + ": include cycle (" + target
                    + " is already being read)");
            return;
        }
        String text;
        try {
            text = source.read(target);
        } catch (IOException | RuntimeException e) {
            problem(file, line, "%include " + name + ": cannot read " + target + ": " + e);
            return;
        }
        chain.add(target);
        readText(text, target, chain);
        chain.removeLast();
    }

    private void problem(Path file, int line, String message) {
        items.add(new Item(file, line, Kind.PROBLEM, file + ":" + line + ": " + message, null));
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '*' || c == '-';
    }
}
