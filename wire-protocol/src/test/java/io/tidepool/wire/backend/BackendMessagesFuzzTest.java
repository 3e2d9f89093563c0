package io.tidepool.wire.backend;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.golden.Frames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BackendMessages.decode (a hostile or broken server, RELIABILITY §1 class c) under arbitrary bodies: only
 * {@link ProtocolException} may escape, and whatever decodes re-encodes to bytes that decode to an equal record (or,
 * when malformed UTF-8 was replaced and grew past a bound, to a ProtocolException).
 */
class BackendMessagesFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        BackendMessage message;
        try {
            message = BackendMessages.decode(Frames.fromFuzzInput(input));
        } catch (ProtocolException expected) {
            return;
        }
        var encoded = Unpooled.buffer();
        message.encode(encoded);
        BackendMessage again;
        try {
            again = BackendMessages.decode(Frames.of(encoded));
        } catch (ProtocolException e) {
            return;     // malformed UTF-8 became U+FFFD (3 bytes) and the string outgrew its bound: acceptable
        }
        assertThat(again).isEqualTo(message);
    }
}
