package io.tidepool.auth.source;

import io.tidepool.auth.Credential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * PgBouncer's {@code auth_file} (userlist.txt): one {@code "user" "secret"} pair per line, each in double quotes with
 * {@code ""} for a literal quote; lines that do not start with a quote (after blanks) are comments; anything after
 * the second string is ignored (PgBouncer's {@code load_auth_file}). The secret is a plaintext password, an
 * {@code md5...} secret or a {@code SCRAM-SHA-256$...} verifier ({@link Credential#parse}). The first entry for a
 * user wins. An immutable snapshot: parse at startup or RELOAD, off the event loop, then share.
 */
public final class UserlistFile implements CredentialSource {
    /** PgBouncer's {@code MAX_USERNAME}. */
    public static final int MAX_USER_LENGTH = 128;
    /** PgBouncer's {@code MAX_PASSWORD}. */
    public static final int MAX_SECRET_LENGTH = 2048;

    private final Map<String, Credential> credentials;

    private UserlistFile(Map<String, Credential> credentials) {
        this.credentials = Collections.unmodifiableMap(credentials);
    }

    public static UserlistFile load(Path path) throws IOException {
        return parse(Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Parses the file's text. */
    public static UserlistFile parse(String text) {
        Map<String, Credential> credentials = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i];
            int[] at = {skipBlanks(line, 0)};
            if (at[0] >= line.length() || line.charAt(at[0]) != '"') {
                continue;   // comment or empty line
            }
            String user = quoted(line, at, lineNumber, "user name", MAX_USER_LENGTH);
            at[0] = skipBlanks(line, at[0]);
            if (at[0] >= line.length() || line.charAt(at[0]) != '"') {
                throw new UserlistParseException(lineNumber, "expected a quoted secret after the user name");
            }
            String secret = quoted(line, at, lineNumber, "secret", MAX_SECRET_LENGTH);
            if (user.isEmpty()) {
                throw new UserlistParseException(lineNumber, "empty user name");
            }
            credentials.putIfAbsent(user, Credential.parse(secret));
        }
        return new UserlistFile(credentials);
    }

    @Override
    public Optional<Credential> find(String user) {
        return Optional.ofNullable(credentials.get(user));
    }

    /** Number of users. */
    public int size() {
        return credentials.size();
    }

    private static int skipBlanks(String line, int from) {
        int i = from;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** Reads {@code "..."} starting at {@code at[0]} (the opening quote); leaves {@code at[0]} after the closing one. */
    private static String quoted(String line, int[] at, int lineNumber, String what, int maxLength) {
        StringBuilder out = new StringBuilder();
        int i = at[0] + 1;
        while (true) {
            if (i >= line.length()) {
                throw new UserlistParseException(lineNumber, "unterminated " + what);
            }
            char c = line.charAt(i++);
            if (c == '"') {
                if (i < line.length() && line.charAt(i) == '"') {
                    out.append('"');
                    i++;
                } else {
                    break;
                }
            } else {
                out.append(c);
            }
            if (out.length() > maxLength) {
                throw new UserlistParseException(lineNumber, what + " longer than " + maxLength + " characters");
            }
        }
        at[0] = i;
        return out.toString();
    }

    @Override
    public String toString() {
        return "UserlistFile[" + credentials.size() + " users]";
    }
}
