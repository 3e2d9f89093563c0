package io.tidepool.auth;

import io.tidepool.auth.md5.Md5Password;

/** PostgreSQL's md5 secret, {@code "md5" + md5hex(password + user)}: it only works for the user it was made for. */
public record Md5Secret(String secret) implements Credential {
    public Md5Secret {
        if (!Md5Password.isMd5Secret(secret)) {
            throw new IllegalArgumentException("md5 secret: not \"md5\" followed by 32 hex digits");
        }
        secret = secret.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Md5Secret[<hidden>]";
    }
}
