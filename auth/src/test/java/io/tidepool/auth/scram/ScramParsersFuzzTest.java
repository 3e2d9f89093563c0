package io.tidepool.auth.scram;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tidepool.auth.AuthStep;
import io.tidepool.auth.AuthenticationException;
import io.tidepool.auth.ScramSecret;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes both SCRAM faces with arbitrary bytes: the server exchange must answer every client-first/client-final with
 * an {@link AuthStep} (never throw), and the client exchange may only throw {@link AuthenticationException}. The
 * input is split at the first 0x00 into the two messages. Seeds: ScramParsersFuzzTestInputs/.
 */
class ScramParsersFuzzTest {
    private static final ScramSecret SECRET = ScramKeys.secret("pw", "0123456789abcdef".getBytes(), 16);

    @FuzzTest(maxDuration = "10s")
    void serverExchangeOnlyReturnsSteps(byte[] input) {
        int split = indexOfZero(input);
        byte[] first = Arrays.copyOfRange(input, 0, split);
        byte[] last = split < input.length ? Arrays.copyOfRange(input, split + 1, input.length) : new byte[0];
        for (byte[] binding : new byte[][] {null, new byte[32]}) {
            var server = ScramServerExchange.create("u", SECRET, binding);
            server.start();
            AuthStep step = server.onInitialResponse(server.mechanisms().get(0), first);
            if (step instanceof AuthStep.Send) {
                AuthStep end = server.onResponse(last);
                if (end instanceof AuthStep.Done) {
                    throw new AssertionError("fuzzer forged a proof");
                }
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void clientExchangeOnlyThrowsAuthenticationException(byte[] input) {
        int split = indexOfZero(input);
        var client = ScramClientExchange.withPassword("pw", List.of("SCRAM-SHA-256"), null,
                new ScramClientExchange.Options(64, 1024));
        String nonce = new String(client.clientFirstMessage(), StandardCharsets.US_ASCII).substring(7);
        // Let the fuzzer reach past the nonce check: "r=<our nonce>" + its bytes.
        byte[] prefix = ("r=" + nonce).getBytes(StandardCharsets.US_ASCII);
        byte[] serverFirst = concat(prefix, Arrays.copyOfRange(input, 0, split));
        try {
            client.handleServerFirst(serverFirst);
            client.verifyServerFinal(split < input.length ? Arrays.copyOfRange(input, split + 1, input.length)
                    : new byte[0]);
        } catch (AuthenticationException expected) {
            // the only allowed failure
        }
    }

    private static int indexOfZero(byte[] input) {
        for (int i = 0; i < input.length; i++) {
            if (input[i] == 0) {
                return i;
            }
        }
        return input.length;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
