package io.tidepool.auth.md5;

import io.tidepool.auth.AuthStep;
import io.tidepool.auth.Credential;
import io.tidepool.auth.Md5Secret;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.scram.ScramKeys;
import io.tidepool.wire.backend.AuthenticationMD5Password;
import io.tidepool.wire.frontend.PasswordMessage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Md5ServerExchange: right answers pass for plain and md5 credentials; everything else is the same 28P01. */
class Md5ServerExchangeTest {
    private static AuthStep answer(@Nullable Credential credential, String password) {
        var exchange = Md5ServerExchange.create("bob", credential);
        byte[] salt = ((AuthenticationMD5Password) ((AuthStep.Send) exchange.start()).message()).data();
        return exchange.onPassword(new PasswordMessage(Md5Password.encode("bob", password, salt)));
    }

    private static void assertFailed(AuthStep step) {
        assertThat(step).isInstanceOfSatisfying(AuthStep.Fail.class, fail -> {
            assertThat(fail.sqlState().code()).isEqualTo("28P01");
            assertThat(fail.message()).isEqualTo("password authentication failed for user \"bob\"");
        });
    }

    @Test
    void acceptsTheRightAnswerForPlainAndMd5Credentials() {
        assertThat(answer(new PlainPassword("pw"), "pw")).isEqualTo(new AuthStep.Done("bob", null));
        assertThat(answer(new Md5Secret(Md5Password.storedSecret("bob", "pw")), "pw")).isInstanceOf(AuthStep.Done.class);
    }

    @Test
    void wrongPasswordUnknownUserAndScramOnlyUserFailAlike() {
        assertFailed(answer(new PlainPassword("pw"), "other"));
        assertFailed(answer(null, "pw"));
        assertFailed(answer(ScramKeys.newSecret("pw", 4096), "pw"));
        // The stored secret itself is not an answer (a leaked md5 secret must still need the salt).
        var exchange = Md5ServerExchange.create("bob", new PlainPassword("pw"));
        exchange.start();
        assertFailed(exchange.onPassword(new PasswordMessage(Md5Password.storedSecret("bob", "pw"))));
    }

    @Test
    void passwordBeforeChallengeOrTwiceIsAProtocolViolation() {
        var exchange = Md5ServerExchange.create("bob", new PlainPassword("pw"));
        assertThat(exchange.onPassword(new PasswordMessage("x"))).isInstanceOfSatisfying(AuthStep.Fail.class,
                fail -> assertThat(fail.sqlState().code()).isEqualTo("08P01"));
    }

    @Test
    void eachExchangeHasItsOwnSalt() {
        byte[] a = ((AuthenticationMD5Password) ((AuthStep.Send) Md5ServerExchange.create("bob", null).start())
                .message()).data();
        byte[] b = ((AuthenticationMD5Password) ((AuthStep.Send) Md5ServerExchange.create("bob", null).start())
                .message()).data();
        assertThat(a).isNotEqualTo(b);
    }
}
