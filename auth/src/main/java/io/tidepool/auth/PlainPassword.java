package io.tidepool.auth;

import java.util.Objects;

/** A plaintext password (auth_file plaintext entry, or a password given on the command line). */
public record PlainPassword(String password) implements Credential {
    public PlainPassword {
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "PlainPassword[<hidden>]";
    }
}
