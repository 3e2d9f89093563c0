package io.tidepool.auth.source;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

/** Fuzzes the auth_file parser: only {@link UserlistParseException} may escape. Seeds: UserlistFileFuzzTestInputs/. */
class UserlistFileFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parserOnlyThrowsUserlistParseException(byte[] input) {
        try {
            UserlistFile file = UserlistFile.parse(new String(input, StandardCharsets.UTF_8));
            file.find("alice");
        } catch (UserlistParseException expected) {
            // the only allowed failure
        }
    }
}
