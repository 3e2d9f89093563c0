package io.tidepool.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Limits;
import io.tidepool.wire.MessageRun;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.golden.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FrameDecoder's run mode ({@link FrameDecoder#joinRuns}), on every backend stream captured from real PostgreSQL
 * (golden/streams, fed one captured socket read at a time) and on edge cases built by hand.
 */
class FrameDecoderRunTest {
    /** The backend streams that are typed messages from the first byte (not a one-byte answer to SSL/GSSENCRequest). */
    static Stream<String> backendStreams() {
        return Golden.list("streams").stream().filter(name -> name.endsWith("-backend.hex"))
                .filter(name -> Golden.reads(name).getFirst().length > 1);
    }

    /**
     * The units of a captured stream concatenate to exactly its bytes; a run holds only whole messages and ends at
     * the latest with a ReadyForQuery; and splitting the runs into messages gives the same messages as the decoder
     * gives without run mode.
     */
    @ParameterizedTest
    @MethodSource("backendStreams")
    void runsOfACapturedStreamAreItsMessagesInOrder(String stream) {
        List<byte[]> reads = Golden.reads(stream);
        List<String> withRuns = new ArrayList<>();
        var joined = new ByteArrayOutputStream();
        EmbeddedChannel channel = runDecoder();
        try {
            for (byte[] read : reads) {
                channel.writeInbound(Unpooled.wrappedBuffer(read));
                for (WireUnit unit; (unit = channel.readInbound()) != null; ) {
                    try {
                        joined.writeBytes(ByteBufUtil.getBytes(unit.content()));
                        withRuns.addAll(messagesOf(unit));
                    } finally {
                        unit.content().release();
                    }
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        byte[] all = Golden.bytes(stream);
        assertThat(joined.toByteArray()).isEqualTo(all);
        assertThat(withRuns).isEqualTo(messagesDecodedOneByOne(reads));
    }

    /** A whole response in one read (captured, golden/streams/select-t: T, D..., C, Z) comes as one run. */
    @Test
    void aWholeResponseInOneReadIsOneRun() {
        byte[] response = response();
        EmbeddedChannel channel = runDecoder();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(response));
            WireUnit unit = channel.readInbound();
            try {
                assertThat(unit).isInstanceOf(MessageRun.class);
                assertThat(ByteBufUtil.getBytes(unit.content())).isEqualTo(response);
                assertThat(messagesOf(unit)).isEqualTo(messagesDecodedOneByOne(List.of(response)))
                        .startsWith("T", "D").endsWith("C", "Z");
            } finally {
                unit.content().release();
            }
            assertThat(channel.<Object>readInbound()).isNull();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * A ReadyForQuery ends a run, and switching run mode off while handling it takes effect for the very next
     * message of the same read (each unit is handled before the next is cut): a server going back to the pool sees
     * single frames.
     */
    @Test
    void switchingRunModeOffAtReadyForQueryAppliesToTheNextMessage() {
        FrameDecoder decoder = new FrameDecoder(Direction.BACKEND, Limits.DEFAULT);
        decoder.joinRuns(true);
        List<WireUnit> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                WireUnit unit = (WireUnit) msg;
                seen.add(unit);
                ByteBuf bytes = unit.content();
                if (bytes.getByte(bytes.writerIndex() - 6) == 'Z') {
                    decoder.joinRuns(false);               // as ServerConnection.moveTo does when it unlinks
                }
            }
        });
        try {
            ByteBuf in = Unpooled.buffer().writeBytes(response()).writeBytes(notice()).writeBytes(notice());
            channel.writeInbound(in);
            assertThat(seen).hasSize(3);
            assertThat(seen.get(0)).isInstanceOf(MessageRun.class);
            assertThat(messagesOf(seen.get(0))).isEqualTo(messagesDecodedOneByOne(List.of(response())));
            assertThat(seen.get(1)).isInstanceOf(Frame.class);
            assertThat(seen.get(2)).isInstanceOf(Frame.class);
        } finally {
            seen.forEach(u -> u.content().release());
            channel.finishAndReleaseAll();
        }
    }

    /** A message not yet wholly received ends the run before it; it follows once its bytes are in. */
    @Test
    void anIncompleteMessageIsLeftForTheNextRead() {
        byte[] response = response();
        int cut = response.length - 3;                      // inside the ReadyForQuery
        EmbeddedChannel channel = runDecoder();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(response, 0, cut));
            WireUnit first = channel.readInbound();
            try {
                List<String> all = messagesDecodedOneByOne(List.of(response));
                assertThat(messagesOf(first)).isEqualTo(all.subList(0, all.size() - 1));
            } finally {
                first.content().release();
            }
            assertThat(channel.<Object>readInbound()).isNull();
            channel.writeInbound(Unpooled.wrappedBuffer(response, cut, 3));
            Frame ready = channel.readInbound();
            try {
                assertThat(ready.type()).isEqualTo((byte) 'Z');
            } finally {
                ready.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** An invalid header after good messages: the good ones are delivered as a run, then the error is raised. */
    @Test
    void anInvalidHeaderEndsTheRunAndIsReportedOnItsOwn() {
        ByteBuf in = Unpooled.buffer().writeBytes(notice()).writeBytes(notice()).writeByte('Z').writeInt(70_000)
                .writeZero(16);
        List<WireUnit> seen = new ArrayList<>();
        FrameDecoder decoder = new FrameDecoder(Direction.BACKEND, Limits.DEFAULT);
        decoder.joinRuns(true);
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seen.add((WireUnit) msg);
            }
        });
        try {
            assertThatThrownBy(() -> channel.writeInbound(in)).isInstanceOf(ProtocolException.class)
                    .hasMessageStartingWith("message 'Z' length: 70000");
            assertThat(seen).hasSize(1);
            assertThat(messagesOf(seen.getFirst())).containsExactly("N", "N");
        } finally {
            seen.forEach(u -> u.content().release());
            channel.finishAndReleaseAll();
        }
    }

    private static EmbeddedChannel runDecoder() {
        FrameDecoder decoder = new FrameDecoder(Direction.BACKEND, Limits.DEFAULT);
        decoder.joinRuns(true);
        return new EmbeddedChannel(decoder);
    }

    /** The type of each whole message in a unit, or "part" for a streamed part; a run never holds two Zs. */
    private static List<String> messagesOf(WireUnit unit) {
        if (unit instanceof FramePart part) {
            return part.first() ? List.of("part " + (char) part.type()) : List.of();
        }
        List<String> types = new ArrayList<>();
        ByteBuf bytes = unit.content();
        int end = bytes.writerIndex();
        for (int at = bytes.readerIndex(); at < end; at = at + 1 + bytes.getInt(at + 1)) {
            assertThat(types).as("a run ends at its ReadyForQuery").doesNotContain("Z");
            types.add(String.valueOf((char) bytes.getByte(at)));
        }
        if (unit instanceof MessageRun) {
            assertThat(types).hasSizeGreaterThan(1);
        }
        return types;
    }

    /** The same stream without run mode: one frame per message. */
    private static List<String> messagesDecodedOneByOne(List<byte[]> reads) {
        List<String> types = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(Direction.BACKEND, Limits.DEFAULT));
        try {
            for (byte[] read : reads) {
                channel.writeInbound(Unpooled.wrappedBuffer(read));
                for (WireUnit unit; (unit = channel.readInbound()) != null; ) {
                    if (unit instanceof FramePart part) {
                        if (part.first()) {
                            types.add("part " + (char) part.type());
                        }
                    } else {
                        types.add(String.valueOf((char) unit.type()));
                    }
                    unit.content().release();
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return types;
    }

    /** The response to {@code select 't'}, from golden/streams/select-t-conn2-backend.hex (its last read). */
    private static byte[] response() {
        List<byte[]> reads = Golden.reads("streams/select-t-conn2-backend.hex");
        byte[] last = reads.getLast();
        assertThat(HexFormat.of().formatHex(last, last.length - 6, last.length)).startsWith("5a00000005");
        return last;
    }

    /** A NoticeResponse with one field (severity NOTICE). */
    private static byte[] notice() {
        ByteBuf b = Unpooled.buffer().writeByte('N').writeInt(4 + 8 + 1).writeByte('S').writeBytes("NOTICE\0".getBytes())
                .writeByte(0);
        return ByteBufUtil.getBytes(b);
    }
}
