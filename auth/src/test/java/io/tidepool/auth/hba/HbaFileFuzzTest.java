package io.tidepool.auth.hba;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** Fuzzes the hba parser and matcher: only {@link HbaParseException} may escape. Seeds: HbaFileFuzzTestInputs/. */
class HbaFileFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parserOnlyThrowsHbaParseException(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            HbaFile file = HbaFile.parse(text, name -> {
                if (name.length() > 8) {
                    throw new IOException("no such include");
                }
                return "a, b @" + name;   // a self-include: the depth bound must stop it
            });
            file.methodFor(new HbaRequest(InetAddress.ofLiteral("10.1.2.3"), true, "db", "user"));
            file.methodFor(HbaRequest.local("db", "db"));
        } catch (HbaParseException expected) {
            // the only allowed failure
        }
    }
}
