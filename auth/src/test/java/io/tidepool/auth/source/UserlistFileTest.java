package io.tidepool.auth.source;

import io.tidepool.auth.Md5Secret;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.ScramSecret;
import io.tidepool.auth.md5.Md5Password;
import io.tidepool.auth.scram.ScramKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** UserlistFile: PgBouncer's auth_file quoting and secret classification. */
class UserlistFileTest {
    private static final String SCRAM = ScramKeys.secret("pw", "saltsaltsaltsalt".getBytes(), 4096).encode();

    @Test
    void readsPlainMd5AndScramEntriesWithPgBouncerQuoting() {
        String md5 = Md5Password.storedSecret("bob", "pw");
        var file = UserlistFile.parse(String.join("\n",
                ";; comment",
                "# another comment",
                "",
                "\"alice\" \"plain \"\"quoted\"\" pw\"",
                "  \"bob\"\t\"" + md5 + "\" trailing words are ignored",
                "\"carol\" \"" + SCRAM + "\"",
                "\"we\"\"ird user\" \"x\"",
                "\"alice\" \"second entry loses\"",
                "\"dave\" \"SCRAM-SHA-256$notreally\""));
        assertThat(file.size()).isEqualTo(5);
        assertThat(file.find("alice")).contains(new PlainPassword("plain \"quoted\" pw"));
        assertThat(file.find("bob")).contains(new Md5Secret(md5));
        assertThat(file.find("carol")).contains(ScramSecret.parse(SCRAM));
        assertThat(file.find("we\"ird user")).contains(new PlainPassword("x"));
        // PgBouncer treats an unparsable verifier as a plaintext password.
        assertThat(file.find("dave")).contains(new PlainPassword("SCRAM-SHA-256$notreally"));
        assertThat(file.find("nobody")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"alice", "\"alice\"", "\"alice\" secret", "\"alice\" \"unterminated", "\"\" \"pw\""})
    void rejectsBrokenLinesWithoutEchoingTheSecret(String line) {
        assertThatThrownBy(() -> UserlistFile.parse("# first\n" + line))
                .isInstanceOfSatisfying(UserlistParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).doesNotContain("unterminated\"").doesNotContain("secret\"");
                });
    }

    @Test
    void boundsNameAndSecretLengths() {
        assertThatThrownBy(() -> UserlistFile.parse("\"" + "u".repeat(129) + "\" \"pw\""))
                .isInstanceOf(UserlistParseException.class);
        assertThatThrownBy(() -> UserlistFile.parse("\"u\" \"" + "p".repeat(2049) + "\""))
                .isInstanceOf(UserlistParseException.class).hasMessageNotContaining("pppp");
        assertThat(UserlistFile.parse("\"u\" \"" + "p".repeat(2048) + "\"").size()).isEqualTo(1);
    }
}
