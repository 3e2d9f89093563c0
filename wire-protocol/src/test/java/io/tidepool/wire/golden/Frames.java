package io.tidepool.wire.golden;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Limits;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.codec.Direction;
import io.tidepool.wire.codec.FrameDecoder;
import io.tidepool.wire.codec.StartupDecoder;
import io.tidepool.wire.frontend.StartupPacket;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs bytes through the real decoders in an {@link EmbeddedChannel} and returns what came out, released. */
public final class Frames {
    private Frames() {
    }

    /**
     * One decoded unit in comparable form: a startup packet's record name with its encoding, or a message's type
     * byte with all its bytes (FrameParts of one message joined).
     */
    public record Unit(String kind, String hex) {
        @Override
        public String toString() {
            return kind + ":" + (hex.length() > 40 ? hex.substring(0, 40) + "..(" + hex.length() / 2 + " bytes)" : hex);
        }
    }

    /** A frame over a whole message's bytes (type, length, body), e.g. a golden message fixture. */
    public static Frame of(ByteBuf message) {
        return new Frame(message.getByte(message.readerIndex()), message);
    }

    /**
     * A well-framed message from fuzzer bytes: {@code input[0]} is the type, {@code input[5..]} the body; the length
     * word is rewritten to match, so the fuzzer explores bodies instead of tripping over the frame length.
     */
    public static Frame fromFuzzInput(byte[] input) {
        byte type = input.length > 0 ? input[0] : (byte) 'Q';
        int bodyStart = Math.min(input.length, 5);
        ByteBuf bytes = Unpooled.buffer(5 + input.length - bodyStart).writeByte(type)
                .writeInt(4 + input.length - bodyStart).writeBytes(input, bodyStart, input.length - bodyStart);
        return new Frame(type, bytes);
    }

    /** Feeds fuzzer bytes through a decoder in two writes (split where the input says), releasing every output. */
    public static void feed(EmbeddedChannel channel, byte[] input) {
        int split = input.length == 0 ? 0 : (input[input.length - 1] & 0xff) % (input.length + 1);
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            releaseInbound(channel);
            channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
        } finally {
            try {
                channel.finish();
            } finally {
                releaseInbound(channel);
                channel.finishAndReleaseAll();
            }
        }
    }

    /**
     * Frame and FramePart are not {@code ReferenceCounted}, so {@code finishAndReleaseAll()} cannot release them:
     * their buffers are released here.
     */
    public static void releaseInbound(EmbeddedChannel channel) {
        for (Object o; (o = channel.readInbound()) != null; ) {
            if (o instanceof WireUnit unit) {
                unit.content().release();
            }
        }
    }

    /** Feeds {@code chunks} as separate writes through a typed-frame decoder. */
    public static List<Unit> decodeTyped(Direction direction, List<byte[]> chunks) {
        return run(new EmbeddedChannel(new FrameDecoder(direction, Limits.DEFAULT)), chunks);
    }

    /** Feeds {@code chunks} as separate writes through a StartupDecoder (which hands over to a FrameDecoder). */
    public static List<Unit> decodeStartup(List<byte[]> chunks) {
        var channel = new EmbeddedChannel();
        channel.pipeline().addLast(StartupDecoder.NAME, new StartupDecoder(Limits.DEFAULT));
        return run(channel, chunks);
    }

    /** Decodes one startup packet through the real StartupDecoder. */
    public static StartupPacket startupPacket(byte[] bytes) {
        var channel = new EmbeddedChannel();
        channel.pipeline().addLast(StartupDecoder.NAME, new StartupDecoder(Limits.DEFAULT));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            Object packet = channel.readInbound();
            assertThat(packet).isInstanceOf(StartupPacket.class);
            assertThat(channel.<Object>readInbound()).isNull();
            return (StartupPacket) packet;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static List<Unit> run(EmbeddedChannel channel, List<byte[]> chunks) {
        List<Unit> units = new ArrayList<>();
        var pending = new ByteArrayOutputStream();
        try {
            for (byte[] chunk : chunks) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
                for (Object o; (o = channel.readInbound()) != null; ) {
                    collect(o, units, pending);
                }
            }
            assertThat(channel.finish()).as("no output after end of input").isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(pending.size()).as("bytes of an unfinished streamed message").isZero();
        return units;
    }

    private static void collect(Object o, List<Unit> units, ByteArrayOutputStream pending) {
        switch (o) {
            case StartupPacket packet -> {
                ByteBuf buf = Unpooled.buffer();
                packet.encode(buf);
                units.add(new Unit(packet.getClass().getSimpleName(), ByteBufUtil.hexDump(buf)));
            }
            case WireUnit unit -> {
                try {
                    pending.writeBytes(ByteBufUtil.getBytes(unit.content()));
                    if (unit.endsMessage()) {
                        units.add(new Unit(String.valueOf((char) unit.type()),
                                HexFormat.of().formatHex(pending.toByteArray())));
                        pending.reset();
                    }
                    if (unit instanceof FramePart part && part.first()) {
                        assertThat(part.bytes().getByte(part.bytes().readerIndex())).isEqualTo(part.type());
                    }
                } finally {
                    unit.content().release();
                }
            }
            default -> throw new AssertionError("unexpected decoder output " + o);
        }
    }
}
