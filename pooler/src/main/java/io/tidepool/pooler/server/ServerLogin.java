package io.tidepool.pooler.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tidepool.auth.AuthenticationException;
import io.tidepool.auth.Md5Secret;
import io.tidepool.auth.PlainPassword;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.auth.md5.Md5Password;
import io.tidepool.auth.scram.ScramClientExchange;
import io.tidepool.pooler.pool.ServerTarget;
import io.tidepool.wire.StartupCode;
import io.tidepool.wire.backend.Authentication;
import io.tidepool.wire.backend.AuthenticationCleartextPassword;
import io.tidepool.wire.backend.AuthenticationGSS;
import io.tidepool.wire.backend.AuthenticationGSSContinue;
import io.tidepool.wire.backend.AuthenticationKerberosV5;
import io.tidepool.wire.backend.AuthenticationMD5Password;
import io.tidepool.wire.backend.AuthenticationOk;
import io.tidepool.wire.backend.AuthenticationSASL;
import io.tidepool.wire.backend.AuthenticationSASLContinue;
import io.tidepool.wire.backend.AuthenticationSASLFinal;
import io.tidepool.wire.backend.AuthenticationSSPI;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.PasswordMessage;
import io.tidepool.wire.frontend.SASLInitialResponse;
import io.tidepool.wire.frontend.SASLResponse;
import io.tidepool.wire.frontend.StartupMessage;
import org.jspecify.annotations.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tidepool logging in to PostgreSQL: the StartupMessage, then whatever the server asks for (trust, cleartext, md5,
 * SCRAM-SHA-256). Bytes in, bytes out; {@link ServerStartup} does the I/O.
 *
 * <p>Event-loop confined. The SCRAM key derivation is bounded by ScramClientExchange's iteration cap (a hostile
 * server cannot make it unbounded, CVE-2026-6669).
 */
final class ServerLogin {
    private final ServerTarget target;
    private final PoolGroup.@Nullable ScramPassThrough passThrough;
    private @Nullable ScramClientExchange scram;
    private boolean done;
    private byte @Nullable [] tlsServerEndPoint;

    ServerLogin(ServerTarget target, PoolGroup.@Nullable ScramPassThrough passThrough) {
        this.target = target;
        this.passThrough = passThrough;
    }

    /** The TLS session's channel binding: SCRAM-SHA-256-PLUS is used when the server offers it. */
    void tlsServerEndPoint(byte @Nullable [] endPoint) {
        tlsServerEndPoint = endPoint == null ? null : endPoint.clone();
    }

    StartupMessage startupMessage() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", target.user());
        parameters.put("database", target.dbname());
        parameters.putAll(target.startupParameters());
        return new StartupMessage(StartupCode.PROTOCOL_3_0, parameters);
    }

    /**
     * Answers one Authentication request.
     *
     * @return the response to send, or null when nothing is to be sent (AuthenticationOk, SASLFinal)
     * @throws AuthenticationException when the request cannot be answered or the server's proof is wrong
     */
    @Nullable ByteBuf answer(Authentication request, ByteBufAllocator alloc) {
        return switch (request) {
            case AuthenticationOk ok -> {
                done = true;
                yield null;
            }
            case AuthenticationCleartextPassword cleartext -> encode(alloc, new PasswordMessage(password()));
            case AuthenticationMD5Password md5 -> encode(alloc, new PasswordMessage(
                    target.credential() instanceof Md5Secret secret
                            ? Md5Password.fromStoredSecret(secret.secret(), md5.data())
                            : Md5Password.encode(target.user(), password(), md5.data())));
            case AuthenticationSASL sasl -> {
                ScramClientExchange exchange = passThrough != null && !(target.credential() instanceof PlainPassword)
                        ? ScramClientExchange.withClientKey(passThrough.clientKey(), passThrough.secret(),
                                sasl.mechanisms(), tlsServerEndPoint, ScramClientExchange.Options.DEFAULT)
                        : ScramClientExchange.withPassword(password(), sasl.mechanisms(), tlsServerEndPoint,
                                ScramClientExchange.Options.DEFAULT);
                scram = exchange;
                yield encode(alloc, new SASLInitialResponse(exchange.mechanism(), exchange.clientFirstMessage()));
            }
            case AuthenticationSASLContinue challenge -> encode(alloc,
                    new SASLResponse(scram().handleServerFirst(challenge.data())));
            case AuthenticationSASLFinal outcome -> {
                scram().verifyServerFinal(outcome.data());
                yield null;
            }
            case AuthenticationKerberosV5 k -> throw unsupported("Kerberos V5");
            case AuthenticationGSS g -> throw unsupported("GSSAPI");
            case AuthenticationGSSContinue g -> throw unsupported("GSSAPI");
            case AuthenticationSSPI s -> throw unsupported("SSPI");
        };
    }

    boolean isDone() {
        return done;
    }

    private String password() {
        String password = target.credential() instanceof PlainPassword plain ? plain.password() : null;
        if (password == null) {
            throw new AuthenticationException(SqlState.INVALID_PASSWORD,
                    "server requested a password for user \"" + target.user() + "\" and none is configured");
        }
        return password;
    }

    private ScramClientExchange scram() {
        if (scram == null) {
            throw AuthenticationException.protocol("SASL message before AuthenticationSASL");
        }
        return scram;
    }

    private static AuthenticationException unsupported(String method) {
        return new AuthenticationException(SqlState.FEATURE_NOT_SUPPORTED,
                "server requested " + method + " authentication, which Tidepool does not support");
    }

    private static ByteBuf encode(ByteBufAllocator alloc, io.tidepool.wire.frontend.FrontendMessage message) {
        ByteBuf out = alloc.buffer(128);
        message.encode(out);
        return out;
    }
}
