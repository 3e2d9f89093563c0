package io.tidepool.auth.md5;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Md5Password arithmetic; that PostgreSQL accepts it is proven in ServerLoginIT. */
class Md5PasswordTest {
    @Test
    void storedSecretIsMd5OfPasswordThenUser() {
        // Independent check with the JDK digest: md5("secret" + "alice").
        assertThat(Md5Password.storedSecret("alice", "secret"))
                .isEqualTo("md5" + Md5Password.md5Hex("secretalice".getBytes()));
        assertThat(Md5Password.isMd5Secret(Md5Password.storedSecret("alice", "secret"))).isTrue();
    }

    @Test
    void responseFromPasswordEqualsResponseFromStoredSecret() {
        byte[] salt = HexFormat.of().parseHex("01020304");
        String fromPassword = Md5Password.encode("alice", "secret", salt);
        assertThat(fromPassword).isEqualTo(Md5Password.fromStoredSecret(Md5Password.storedSecret("alice", "secret"),
                salt));
        assertThat(fromPassword).isNotEqualTo(Md5Password.encode("alice", "secret", HexFormat.of().parseHex("01020305")));
        assertThat(fromPassword).hasSize(35).startsWith("md5");
    }

    @Test
    void rejectsBadSecretsAndSaltsWithoutEchoingThem() {
        assertThatThrownBy(() -> Md5Password.fromStoredSecret("md5topsecret", new byte[4]))
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> Md5Password.fromStoredSecret(Md5Password.storedSecret("a", "b"), new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Md5Password.isMd5Secret("md5" + "g".repeat(32))).isFalse();
    }

    @Test
    void saltsAreFourRandomBytes() {
        assertThat(Md5Password.newSalt()).hasSize(4);
        assertThat(Md5Password.newSalt()).isNotEqualTo(Md5Password.newSalt());  // 2^-32 flake chance accepted
    }
}
