package io.tidepool.pooler.client;

import io.tidepool.auth.AuthMethod;
import io.tidepool.auth.AuthStep;
import io.tidepool.auth.Credential;
import io.tidepool.auth.Md5Secret;
import io.tidepool.auth.PlainPassword;
import io.tidepool.auth.ScramSecret;
import io.tidepool.auth.md5.Md5Password;
import io.tidepool.auth.md5.Md5ServerExchange;
import io.tidepool.auth.scram.ScramKeys;
import io.tidepool.auth.scram.ScramServerExchange;
import io.tidepool.wire.Frame;
import io.tidepool.wire.backend.AuthenticationCleartextPassword;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.PasswordMessage;
import io.tidepool.wire.frontend.SASLInitialResponse;
import io.tidepool.wire.frontend.SASLResponse;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * One client's password-based authentication (cleartext, md5, SCRAM-SHA-256): bytes of 'p' messages in,
 * {@link AuthStep}s out. The 'p' family is decoded here, by the exchange that asked for it (STYLE 2.2).
 *
 * <p>As PgBouncer, md5 is upgraded to SCRAM when the stored secret is a SCRAM verifier (an md5 challenge cannot be
 * checked against one). Unknown users go through the same motions and fail with the same text (no user
 * enumeration). Not thread-safe; the SCRAM steps may run off the event loop, one at a time.
 */
final class PasswordExchange {
    private final String user;
    private final @Nullable Credential credential;
    private final AuthMethod method;
    private @Nullable ScramServerExchange scram;
    private @Nullable Md5ServerExchange md5;
    private boolean scramStarted;
    private final byte @Nullable [] tlsServerEndPoint;

    /**
     * @param tlsServerEndPoint the channel binding of the client's TLS connection (SCRAM-SHA-256-PLUS is offered and a
     *     "y" client refused as a downgrade), or null on a plaintext connection
     */
    PasswordExchange(AuthMethod requested, String user, @Nullable Credential credential,
                     byte @Nullable [] tlsServerEndPoint) {
        this.user = user;
        this.tlsServerEndPoint = tlsServerEndPoint;
        this.credential = credential;
        this.method = requested == AuthMethod.MD5 && credential instanceof ScramSecret ? AuthMethod.SCRAM_SHA_256
                : requested;
    }

    AuthMethod method() {
        return method;
    }

    /** The first challenge. May derive a SCRAM verifier from a plain password: call off the event loop. */
    AuthStep start() {
        return switch (method) {
            case PASSWORD -> new AuthStep.Send(AuthenticationCleartextPassword.INSTANCE);
            case MD5 -> {
                md5 = Md5ServerExchange.create(user, credential);
                yield md5.start();
            }
            case SCRAM_SHA_256 -> {
                scram = ScramServerExchange.create(user, DerivedSecrets.forScram(user, credential), tlsServerEndPoint);
                yield scram.start();
            }
            default -> throw new IllegalStateException("not a password method: " + method);
        };
    }

    /** Feeds the client's next 'p' message. */
    AuthStep onMessage(Frame frame) {
        return switch (method) {
            case PASSWORD -> checkCleartext(PasswordMessage.decode(frame.body()).password());
            case MD5 -> md5().onPassword(PasswordMessage.decode(frame.body()));
            case SCRAM_SHA_256 -> {
                if (!scramStarted) {
                    scramStarted = true;
                    yield scram().onInitialResponse(SASLInitialResponse.decode(frame.body()));
                }
                yield scram().onResponse(SASLResponse.decode(frame.body()));
            }
            default -> throw new IllegalStateException("not a password method: " + method);
        };
    }

    /** For SCRAM pass-through: the ClientKey recovered from the proof, when the secret was a stored verifier. */
    byte @Nullable [] clientKey() {
        return scram != null && credential instanceof ScramSecret ? scram.clientKey() : null;
    }

    @Nullable ScramSecret scramSecret() {
        return scram != null && credential instanceof ScramSecret secret ? secret : null;
    }

    private AuthStep checkCleartext(String password) {
        boolean ok = switch (credential) {
            case null -> false;
            case PlainPassword plain -> constantTimeEquals(plain.password(), password);
            case Md5Secret md5Secret -> constantTimeEquals(md5Secret.secret(), Md5Password.storedSecret(user, password));
            case ScramSecret secret -> MessageDigest.isEqual(secret.storedKey(),
                    ScramKeys.secret(password, secret.salt(), secret.iterations()).storedKey());
        };
        return ok ? new AuthStep.Done(user, null)
                : AuthStep.Fail.password(user, credential == null ? "no such user" : "wrong password");
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private ScramServerExchange scram() {
        if (scram == null) {
            throw new IllegalStateException("SCRAM exchange not started");
        }
        return scram;
    }

    private Md5ServerExchange md5() {
        if (md5 == null) {
            throw new IllegalStateException("md5 exchange not started");
        }
        return md5;
    }

    static AuthStep.Fail protocolFailure(String what) {
        return new AuthStep.Fail(SqlState.PROTOCOL_VIOLATION, what, what);
    }
}
