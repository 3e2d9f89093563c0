package io.tidepool.wire.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Limits;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.golden.Frames;

/**
 * StartupDecoder (and the FrameDecoder it hands over to) under arbitrary bytes: only {@link ProtocolException} may
 * escape. Seeds are the golden startup packets and whole recorded frontend streams.
 */
class StartupDecoderFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void startupDecoderFailsOnlyWithProtocolException(byte[] input) {
        var channel = new EmbeddedChannel();
        channel.pipeline().addLast(StartupDecoder.NAME, new StartupDecoder(Limits.DEFAULT));
        try {
            Frames.feed(channel, input);
        } catch (ProtocolException expected) {
            // malformed input is reported, never anything else
        }
    }
}
