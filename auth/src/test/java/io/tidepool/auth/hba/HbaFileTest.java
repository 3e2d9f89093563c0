package io.tidepool.auth.hba;

import io.tidepool.auth.AuthMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Table-driven hba tests: {@code hba_test.rules} (with {@code @} includes) evaluated against every line of
 * {@code hba_test.eval} ({@code expected | connection | database | user | address}), PgBouncer's
 * hba_test.rules/hba_test.eval idea with our own cases; plus parse errors.
 */
class HbaFileTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = HbaFileTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HbaFile rules() throws IOException {
        return HbaFile.parse(resource("hba_test.rules"), HbaFileTest::resource);
    }

    static Stream<Arguments> evalCases() throws IOException {
        return resource("hba_test.eval").lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> Arguments.of((Object[]) line.split("\\s*\\|\\s*")));
    }

    @ParameterizedTest(name = "{0} <- {1} {2}/{3}@{4}")
    @MethodSource("evalCases")
    void firstMatchingRuleDecides(String expected, String connection, String database, String user, String address)
            throws IOException {
        HbaRequest request = connection.equals("local") ? HbaRequest.local(database, user)
                : new HbaRequest(InetAddress.ofLiteral(address), connection.equals("hostssl"), database, user);
        AuthMethod method = rules().methodFor(request);
        assertThat(method.keyword()).isEqualTo(expected);
    }

    @Test
    void keepsOptionsAndLineNumbers() throws IOException {
        HbaRule cert = rules().match(new HbaRequest(InetAddress.ofLiteral("192.168.1.1"), true, "x", "root"))
                .orElseThrow();
        assertThat(cert.options()).containsEntry("clientcert", "verify-full");
        assertThat(cert.line()).isEqualTo(9);
        assertThat(cert.users()).contains("root", "ops", "Mixed Case", "nested_admin");
    }

    @Test
    void emptyFileRejectsEverything() {
        HbaFile empty = HbaFile.parse("# nothing\n\n", name -> "");
        assertThat(empty.methodFor(HbaRequest.local("a", "b"))).isEqualTo(AuthMethod.REJECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hosts all all 1.2.3.4/32 md5",
        "host all all 1.2.3.4/33 md5",
        "host all all 1.2.3.4 md5",
        "host all all 1.2.3.4 255.0.255.0 md5",
        "host all all 1.2.3.4/8 255.0.0.0 md5",
        "host all all db.example.com md5",
        "host all all samenet md5",
        "host all all 999.1.1.1/32 md5",
        "host all all 1.2.3.4/32 ident",
        "host all all 1.2.3.4/32",
        "host all all",
        "local all all",
        "host all +admins all md5",
        "host samerole all all md5",
        "host /^db all all md5",
        "host all all all peer",
        "host a,,b all all md5",
        "host a, all all md5",
        "host \"unterminated all all md5",
        "host all all all md5 clientcert",
        "host all @missing all md5",
        "host all @ all md5",
        "hostgssenc all all all md5",
        "include other.conf",
    })
    void rejectsMalformedOrUnsupportedLinesWithTheLineNumber(String line) {
        assertThatThrownBy(() -> HbaFile.parse("# header\n" + line + "\n", name -> {
            throw new IOException("not found: " + name);
        })).isInstanceOfSatisfying(HbaParseException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.getMessage()).startsWith("pg_hba line 2: ");
        });
    }

    @Test
    void includeCyclesStopAtTheDepthLimit() {
        assertThatThrownBy(() -> HbaFile.parse("host all @loop all md5", name -> "@loop"))
                .isInstanceOf(HbaParseException.class).hasMessageContaining("nested deeper");
    }

    @Test
    void quotedKeywordsAreNames() {
        HbaFile file = HbaFile.parse("host \"all\" \"all\" all trust", name -> "");
        HbaRule rule = file.rules().get(0);
        assertThat(rule.allDatabases()).isFalse();
        assertThat(rule.allUsers()).isFalse();
        assertThat(file.methodFor(new HbaRequest(InetAddress.ofLiteral("1.1.1.1"), false, "all", "x")))
                .isEqualTo(AuthMethod.REJECT);
        assertThat(Objects.requireNonNull(rule.users())).containsExactly("all");
    }
}
