package io.tidepool.pooler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven loader cases (STYLE 2.6, PgBouncer's {@code hba_test.rules}/{@code .eval} pattern): each
 * {@code config/cases/NAME.ini} is loaded and checked against {@code NAME.expected}, whose lines are
 * {@code kind | ... | value}:
 * <ul>
 *   <li>{@code setting | key | formatted value}, {@code typed | key | Java value}</li>
 *   <li>{@code database | name | component | value}, {@code databases | names in order}</li>
 *   <li>{@code resolve | requested name | component | value} (through {@link Config#database}; {@code absent})</li>
 *   <li>{@code user | name | component | value}</li>
 *   <li>{@code section | name | key | value}, {@code sections | names in order}</li>
 *   <li>{@code poolmode | poolsize | reservesize} {@code | database | user | value}</li>
 *   <li>{@code error | text} (loading must fail with exactly these problems, in order)</li>
 *   <li>{@code warning | text} (loading must succeed with exactly these warnings, in order)</li>
 * </ul>
 * File paths in messages are shown relative to the cases directory.
 */
class ConfigCasesTest {

    static Stream<Path> cases() throws IOException, URISyntaxException {
        var dir = Path.of(ConfigCasesTest.class.getResource("/config/cases").toURI());
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".ini")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void loadsAsExpected(Path ini) throws IOException {
        var dir = ini.getParent().toString() + "/";
        var expectedFile = Path.of(ini.toString().replaceFirst("\\.ini$", ".expected"));
        var lines = Files.readAllLines(expectedFile).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split(" \\| ", -1)).toList();
        var errors = lines.stream().filter(l -> l[0].equals("error")).map(l -> l[1]).toList();
        if (!errors.isEmpty()) {
            assertThatThrownBy(() -> ConfigLoader.load(ini)).isInstanceOfSatisfying(ConfigException.class,
                    e -> assertThat(e.problems().stream().map(p -> p.replace(dir, "")).toList())
                            .containsExactlyElementsOf(errors));
            return;
        }
        var config = ConfigLoader.load(ini);
        var warnings = new ArrayList<String>();
        for (var l : lines) {
            var actual = switch (l[0]) {
                case "setting" -> config.settings().formatted(l[1]);
                case "typed" -> String.valueOf(config.settings().get(Keys.byName(l[1]).orElseThrow()));
                case "database" -> field(config.databases().get(l[1]), l[2]);
                case "databases" -> String.join(", ", config.databases().keySet());
                case "resolve" -> config.database(l[1]).map(d -> field(d, l[2])).orElse("absent");
                case "user" -> userField(config.users().get(l[1]), l[2]);
                case "section" -> config.section(l[1]).get(l[2]);
                case "sections" -> String.join(", ", config.extraSections().keySet());
                case "poolmode" -> config.poolModeFor(config.databases().get(l[1]), l[2]).toString();
                case "poolsize" -> String.valueOf(config.poolSizeFor(config.databases().get(l[1]), l[2]));
                case "reservesize" -> String.valueOf(config.reservePoolSizeFor(config.databases().get(l[1]), l[2]));
                case "warning" -> {
                    warnings.add(l[1]);
                    yield l[1];
                }
                default -> fail("unknown kind in " + expectedFile + ": " + l[0]);
            };
            var expected = l[l.length - 1];
            assertThat(actual).as(String.join(" | ", l)).isEqualTo(expected);
        }
        assertThat(config.warnings().stream().map(w -> w.replace(dir, "")).toList())
                .containsExactlyElementsOf(warnings);
    }

    /** One component by name; explicit rather than reflective so a renamed component breaks the build here. */
    static String field(DatabaseEntry d, String name) {
        Object v = switch (name) {
            case "name" -> d.name();
            case "hosts" -> d.hosts();
            case "unixSocket" -> d.hosts().stream().allMatch(DatabaseEntry::isUnixSocket);
            case "port" -> d.port();
            case "dbname" -> d.dbname();
            case "user" -> d.user();
            case "password" -> d.password();
            case "authUser" -> d.authUser();
            case "poolSize" -> d.poolSize();
            case "minPoolSize" -> d.minPoolSize();
            case "reservePool" -> d.reservePool();
            case "maxDbConnections" -> d.maxDbConnections();
            case "maxDbClientConnections" -> d.maxDbClientConnections();
            case "poolMode" -> d.poolMode();
            case "connectQuery" -> d.connectQuery();
            case "clientEncoding" -> d.clientEncoding();
            case "datestyle" -> d.datestyle();
            case "timezone" -> d.timezone();
            case "applicationName" -> d.applicationName();
            case "authDbname" -> d.authDbname();
            case "authQuery" -> d.authQuery();
            case "serverLifetime" -> d.serverLifetime();
            case "loadBalanceHosts" -> d.loadBalanceHosts();
            default -> throw new IllegalArgumentException("no DatabaseEntry component " + name);
        };
        return String.valueOf(v);
    }

    static String userField(UserSettings u, String name) {
        Object v = switch (name) {
            case "poolMode" -> u.poolMode();
            case "poolSize" -> u.poolSize();
            case "reservePoolSize" -> u.reservePoolSize();
            case "maxUserConnections" -> u.maxUserConnections();
            case "maxUserClientConnections" -> u.maxUserClientConnections();
            case "queryTimeout" -> u.queryTimeout();
            case "idleTransactionTimeout" -> u.idleTransactionTimeout();
            case "transactionTimeout" -> u.transactionTimeout();
            case "clientIdleTimeout" -> u.clientIdleTimeout();
            default -> throw new IllegalArgumentException("no UserSettings component " + name);
        };
        return String.valueOf(v);
    }

}
