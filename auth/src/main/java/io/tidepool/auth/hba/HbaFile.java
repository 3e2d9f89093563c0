package io.tidepool.auth.hba;

import io.tidepool.auth.AuthMethod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed pg_hba.conf: the rules in file order, matched first-match-wins as PostgreSQL does
 * (client-authentication.html#AUTH-PG-HBA-CONF). A request that matches no line is rejected (28000, "no pg_hba.conf
 * entry"). Immutable once parsed; safe to share between event loops. Parsing reads {@code @} include files through
 * an {@link IncludeResolver}, so call it off the event loop (at startup or RELOAD).
 *
 * <p>Supported: {@code local}, {@code host}, {@code hostssl}, {@code hostnossl}; database keywords {@code all},
 * {@code sameuser}; user keyword {@code all}; quoted names; {@code @file} lists; IPv4/IPv6 CIDR or address + mask;
 * {@code all} addresses; methods trust, reject, md5, scram-sha-256, password, cert, peer. Rejected with a clear
 * error: {@code +group}, {@code samerole}, regular expressions, host names, samehost/samenet, GSS lines, include
 * directives.
 */
public final class HbaFile {
    /** Reads an {@code @} include by name (relative to the hba file's directory). */
    @FunctionalInterface
    public interface IncludeResolver {
        String read(String name) throws IOException;
    }

    private static final int MAX_INCLUDE_DEPTH = 10;
    private final List<HbaRule> rules;

    private HbaFile(List<HbaRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Reads and parses {@code path}; {@code @} includes are resolved next to it. */
    public static HbaFile load(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        return parse(Files.readString(path, StandardCharsets.UTF_8),
                name -> Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
    }

    /** Parses hba text. */
    public static HbaFile parse(String text, IncludeResolver includes) {
        List<HbaRule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            StringBuilder logical = new StringBuilder(lines[i]);
            // A backslash at the end of a line continues it (PostgreSQL 16).
            while (endsWithContinuation(logical) && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines[++i]);
            }
            List<List<HbaToken>> fields = HbaToken.fields(logical.toString(), lineNumber);
            if (!fields.isEmpty()) {
                rules.add(parseRule(fields, lineNumber, includes));
            }
        }
        return new HbaFile(rules);
    }

    private static boolean endsWithContinuation(StringBuilder line) {
        return !line.isEmpty() && line.charAt(line.length() - 1) == '\\';
    }

    public List<HbaRule> rules() {
        return rules;
    }

    /** The first rule that applies, if any. */
    public Optional<HbaRule> match(HbaRequest request) {
        for (HbaRule rule : rules) {
            if (rule.matches(request)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** The method for {@code request}: the first matching rule's, or {@link AuthMethod#REJECT}. */
    public AuthMethod methodFor(HbaRequest request) {
        return match(request).map(HbaRule::method).orElse(AuthMethod.REJECT);
    }

    private static HbaRule parseRule(List<List<HbaToken>> fields, int line, IncludeResolver includes) {
        HbaToken typeToken = single(fields.get(0), line, "connection type");
        HbaRule.ConnectionType type = switch (typeToken.quoted() ? "" : typeToken.text()) {
            case "local" -> HbaRule.ConnectionType.LOCAL;
            case "host" -> HbaRule.ConnectionType.HOST;
            case "hostssl" -> HbaRule.ConnectionType.HOSTSSL;
            case "hostnossl" -> HbaRule.ConnectionType.HOSTNOSSL;
            default -> throw new HbaParseException(line, "connection type: \"" + typeToken.text()
                    + "\" (expected: local, host, hostssl or hostnossl)");
        };
        int next = 1;
        List<HbaToken> databases = expand(field(fields, next++, line, "database"), line, includes, 0);
        List<HbaToken> users = expand(field(fields, next++, line, "user"), line, includes, 0);
        AddressRange address = AddressRange.ALL;
        if (type != HbaRule.ConnectionType.LOCAL) {
            HbaToken addressToken = single(field(fields, next++, line, "address"), line, "address");
            if (addressToken.is("all")) {
                address = AddressRange.ALL;
            } else {
                String text = addressToken.text();
                String mask = null;
                if (text.indexOf('/') < 0 && next < fields.size()) {
                    mask = single(fields.get(next++), line, "mask").text();
                }
                address = AddressRange.parse(text, mask, line);
            }
        }
        HbaToken methodToken = single(field(fields, next++, line, "method"), line, "method");
        AuthMethod method = methodToken.quoted() ? null : AuthMethod.fromHbaKeyword(methodToken.text());
        if (method == null) {
            throw new HbaParseException(line, "method: \"" + methodToken.text() + "\" (expected: trust, reject, md5, "
                    + "scram-sha-256, password, cert or peer)");
        }
        if (method == AuthMethod.PEER && type != HbaRule.ConnectionType.LOCAL) {
            throw new HbaParseException(line, "method peer is only valid on local lines");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (; next < fields.size(); next++) {
            HbaToken option = single(fields.get(next), line, "option");
            int eq = option.text().indexOf('=');
            if (eq <= 0) {
                throw new HbaParseException(line, "option: \"" + option.text() + "\" (expected: name=value)");
            }
            options.put(option.text().substring(0, eq), option.text().substring(eq + 1));
        }

        boolean allDatabases = false;
        boolean sameUser = false;
        Set<String> databaseNames = new LinkedHashSet<>();
        for (HbaToken token : databases) {
            if (token.is("all")) {
                allDatabases = true;
            } else if (token.is("sameuser")) {
                sameUser = true;
            } else if (token.is("samerole") || token.is("samegroup")) {
                throw new HbaParseException(line, "database keyword " + token.text() + " is not supported");
            } else if (token.is("replication")) {
                // A pooler never carries replication connections, so this element matches nothing.
                continue;
            } else {
                databaseNames.add(name(token, line));
            }
        }
        boolean allUsers = false;
        Set<String> userNames = new LinkedHashSet<>();
        for (HbaToken token : users) {
            if (token.is("all")) {
                allUsers = true;
            } else if (!token.quoted() && token.text().startsWith("+")) {
                throw new HbaParseException(line, "group membership (\"" + token.text() + "\") is not supported");
            } else {
                userNames.add(name(token, line));
            }
        }
        return new HbaRule(line, type, allDatabases, sameUser, databaseNames, allUsers, userNames, address, method,
                options);
    }

    private static String name(HbaToken token, int line) {
        if (!token.quoted() && token.text().startsWith("/")) {
            throw new HbaParseException(line, "regular expression \"" + token.text() + "\" is not supported");
        }
        if (token.text().isEmpty()) {
            throw new HbaParseException(line, "empty name");
        }
        return token.text();
    }

    /** Replaces unquoted {@code @file} tokens by the names listed in that file, recursively. */
    private static List<HbaToken> expand(List<HbaToken> tokens, int line, IncludeResolver includes, int depth) {
        List<HbaToken> out = new ArrayList<>();
        for (HbaToken token : tokens) {
            if (token.quoted() || !token.text().startsWith("@")) {
                out.add(token);
                continue;
            }
            if (depth >= MAX_INCLUDE_DEPTH) {
                throw new HbaParseException(line, "@ includes nested deeper than " + MAX_INCLUDE_DEPTH);
            }
            String name = token.text().substring(1);
            if (name.isEmpty()) {
                throw new HbaParseException(line, "empty @ file name");
            }
            String content;
            try {
                content = includes.read(name);
            } catch (IOException | RuntimeException e) {
                throw new HbaParseException(line, "cannot read @" + name + ": " + e.getMessage());
            }
            for (String includedLine : content.split("\r?\n")) {
                for (List<HbaToken> field : HbaToken.fields(includedLine, line)) {
                    out.addAll(expand(field, line, includes, depth + 1));
                }
            }
        }
        return out;
    }

    private static List<HbaToken> field(List<List<HbaToken>> fields, int index, int line, String what) {
        if (index >= fields.size()) {
            throw new HbaParseException(line, "missing " + what + " field");
        }
        return fields.get(index);
    }

    private static HbaToken single(List<HbaToken> field, int line, String what) {
        if (field.size() != 1) {
            throw new HbaParseException(line, what + ": a list is not allowed here");
        }
        return field.get(0);
    }

    @Override
    public String toString() {
        return "HbaFile[" + rules.size() + " rules]";
    }
}
