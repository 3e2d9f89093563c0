package io.tidepool.wire.frontend;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.Frame;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.golden.Frames;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every frontend decoder under arbitrary bodies: only {@link ProtocolException} may escape, and whatever decodes
 * re-encodes to bytes that decode to an equal record (or,
 * when malformed UTF-8 was replaced and grew past a bound, to a ProtocolException). Seeds are the golden frontend
 * messages.
 */
class FrontendMessagesFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        check(input, FrontendMessages::decode);
    }

    @FuzzTest(maxDuration = "10s")
    void decodePassword(byte[] input) {
        check(input, FrontendMessages::decodePassword);
    }

    @FuzzTest(maxDuration = "10s")
    void decodeSASLInitialResponse(byte[] input) {
        check(input, FrontendMessages::decodeSASLInitialResponse);
    }

    @FuzzTest(maxDuration = "10s")
    void decodeSASLResponse(byte[] input) {
        check(input, FrontendMessages::decodeSASLResponse);
    }

    @FuzzTest(maxDuration = "10s")
    void decodeGSSResponse(byte[] input) {
        check(input, FrontendMessages::decodeGSSResponse);
    }

    private static void check(byte[] input, Function<Frame, ? extends FrontendMessage> decoder) {
        FrontendMessage message;
        try {
            message = decoder.apply(Frames.fromFuzzInput(input));
        } catch (ProtocolException expected) {
            return;
        }
        var encoded = Unpooled.buffer();
        message.encode(encoded);
        FrontendMessage again;
        try {
            again = decoder.apply(Frames.of(encoded));
        } catch (ProtocolException e) {
            return;     // malformed UTF-8 became U+FFFD (3 bytes) and the string outgrew its bound: acceptable
        }
        assertThat(again).isEqualTo(message);
    }
}
