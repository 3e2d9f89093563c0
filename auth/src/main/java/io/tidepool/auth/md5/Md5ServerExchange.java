package io.tidepool.auth.md5;

import io.tidepool.auth.AuthStep;
import io.tidepool.auth.Credential;
import io.tidepool.auth.Md5Secret;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.ScramSecret;
import io.tidepool.wire.backend.AuthenticationMD5Password;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.PasswordMessage;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Tidepool as the server of an MD5 password exchange (protocol-flow.html, AuthenticationMD5Password): sends a fresh
 * random salt and checks the client's {@code md5...} answer, in constant time, against a plaintext password or a
 * stored md5 secret. A SCRAM verifier cannot answer an md5 challenge (PostgreSQL switches to SCRAM in that case; the
 * caller decides), so such a user, like an unknown one, fails with the same 28P01 text as a wrong password.
 * One instance per client login, confined to its event loop; cheap (two MD5 computations).
 */
public final class Md5ServerExchange {
    private enum State { NEW, CHALLENGED, DONE, FAILED }

    private final String user;
    private final @Nullable Credential credential;
    private final byte[] salt;
    private State state = State.NEW;

    private Md5ServerExchange(String user, @Nullable Credential credential, byte[] salt) {
        this.user = Objects.requireNonNull(user, "user");
        this.credential = credential;
        this.salt = salt;
    }

    /** An exchange for {@code user}; {@code credential} null means the user is unknown. */
    public static Md5ServerExchange create(String user, @Nullable Credential credential) {
        return new Md5ServerExchange(user, credential, Md5Password.newSalt());
    }

    /** The challenge: AuthenticationMD5Password with this exchange's salt. */
    public AuthStep start() {
        if (state != State.NEW) {
            state = State.FAILED;
            return new AuthStep.Fail(SqlState.PROTOCOL_VIOLATION, "unexpected password exchange", "start twice");
        }
        state = State.CHALLENGED;
        return new AuthStep.Send(new AuthenticationMD5Password(salt));
    }

    /** Checks the client's PasswordMessage. */
    public AuthStep onPassword(PasswordMessage message) {
        if (state != State.CHALLENGED) {
            state = State.FAILED;
            return new AuthStep.Fail(SqlState.PROTOCOL_VIOLATION, "unexpected password message",
                    "PasswordMessage in state " + state);
        }
        state = State.FAILED;
        String expected = switch (credential) {
            case null -> null;
            case PlainPassword plain -> Md5Password.encode(user, plain.password(), salt);
            case Md5Secret md5 -> Md5Password.fromStoredSecret(md5.secret(), salt);
            case ScramSecret ignored -> null;
        };
        // Compare even when there is nothing to compare with, so that the answer takes the same path.
        byte[] answer = message.password().getBytes(StandardCharsets.UTF_8);
        byte[] reference = (expected != null ? expected : "md5-no-secret-for-this-user-000000")
                .getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(answer, reference) || expected == null) {
            return AuthStep.Fail.password(user, expected == null ? "no md5-compatible secret for user"
                    : "wrong md5 answer");
        }
        state = State.DONE;
        return new AuthStep.Done(user, null);
    }
}
