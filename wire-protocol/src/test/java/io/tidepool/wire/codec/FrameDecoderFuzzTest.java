package io.tidepool.wire.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Limits;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.golden.Frames;

/**
 * FrameDecoder under arbitrary bytes (STYLE example 10, pgproto3's seeded fuzzers): the only exception that may
 * escape is {@link ProtocolException}, and every emitted buffer is released (leak detection fails the run otherwise).
 * Seeds are the golden frames and streams; a small stream threshold makes the streaming path reachable.
 */
class FrameDecoderFuzzTest {
    private static final Limits SMALL_STREAMS = new Limits(1 << 20, 10000, 10000, 64);

    @FuzzTest(maxDuration = "10s")
    void frontendFramesFailOnlyWithProtocolException(byte[] input) {
        run(Direction.FRONTEND, input);
    }

    @FuzzTest(maxDuration = "10s")
    void backendFramesFailOnlyWithProtocolException(byte[] input) {
        run(Direction.BACKEND, input);
    }

    private static void run(Direction direction, byte[] input) {
        try {
            Frames.feed(new EmbeddedChannel(new FrameDecoder(direction, SMALL_STREAMS)), input);
        } catch (ProtocolException expected) {
            // malformed input is reported, never anything else
        }
    }
}
