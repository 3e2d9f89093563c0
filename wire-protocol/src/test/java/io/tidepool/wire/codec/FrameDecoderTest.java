package io.tidepool.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Limits;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FrameDecoder against RELIABILITY §4 A cases 11 and 12, and its streaming of large messages. */
class FrameDecoderTest {
    private static EmbeddedChannel decoder(Direction direction) {
        return new EmbeddedChannel(new FrameDecoder(direction, Limits.DEFAULT));
    }

    /** Case 11: lengths below 4 (0, 3, -1) cannot be a message. */
    @ParameterizedTest
    @ValueSource(ints = {0, 3, -1})
    void rejectsQueryWithImpossibleLength(int length) {
        EmbeddedChannel channel = decoder(Direction.FRONTEND);
        try {
            assertThatThrownBy(() -> channel.writeInbound(header('Q', length))).isInstanceOf(ProtocolException.class)
                    .hasMessage("message 'Q' length: " + Integer.toUnsignedString(length)
                            + " (expected: 4..1073741822)");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Case 11: 2^31-1 is refused on the 5-byte header, with nothing buffered and nothing waited for. */
    @Test
    void rejectsHugeDeclaredQueryOnTheHeader() {
        EmbeddedChannel channel = decoder(Direction.FRONTEND);
        try {
            assertThatThrownBy(() -> channel.writeInbound(header('Q', Integer.MAX_VALUE)))
                    .isInstanceOf(ProtocolException.class).hasMessageContaining("2147483647");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Case 11: fixed-size messages declaring 20000 exceed PQ_SMALL_MESSAGE_LIMIT. */
    @ParameterizedTest
    @ValueSource(chars = {'S', 'H', 'X'})
    void rejectsOversizedSmallMessages(char type) {
        EmbeddedChannel channel = decoder(Direction.FRONTEND);
        try {
            assertThatThrownBy(() -> channel.writeInbound(header(type, 20000))).isInstanceOf(ProtocolException.class)
                    .hasMessage("message '" + type + "' length: 20000 (expected: 4..10000)");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Case 12: 0x00, 0xFF and backend-only types from a client are refused on the first byte. */
    @ParameterizedTest
    @ValueSource(ints = {0x00, 0xFF, 'R', 'Z', 'T'})
    void rejectsTypesAClientNeverSends(int type) {
        EmbeddedChannel channel = decoder(Direction.FRONTEND);
        try {
            assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeByte(type)))
                    .isInstanceOf(ProtocolException.class).hasMessageStartingWith("invalid frontend message type");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {'Q', 'P', 'p', 'X', 0x00})
    void backendDirectionRejectsTypesAServerNeverSends(int type) {
        EmbeddedChannel channel = decoder(Direction.BACKEND);
        try {
            assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeByte(type)))
                    .isInstanceOf(ProtocolException.class).hasMessageStartingWith("invalid backend message type");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Large streamable messages come out as FrameParts whose concatenation is exactly the input. */
    @ParameterizedTest
    @CsvSource({"FRONTEND, d", "FRONTEND, B", "FRONTEND, Q", "FRONTEND, F", "BACKEND, D", "BACKEND, d",
            "BACKEND, N", "BACKEND, A", "BACKEND, V"})
    void streamsLargeMessagesAsPartsThatConcatenateToTheInput(Direction direction, char type) {
        byte[] message = message(type, 200_000, new Random(type));
        EmbeddedChannel channel = decoder(direction);
        var joined = new ByteArrayOutputStream();
        int parts = 0;
        try {
            for (int at = 0; at < message.length; at += 50_000) {
                channel.writeInbound(Unpooled.wrappedBuffer(message, at, Math.min(50_000, message.length - at)));
                for (WireUnit unit; (unit = channel.readInbound()) != null; parts++) {
                    try {
                        assertThat(unit).isInstanceOf(FramePart.class);
                        var part = (FramePart) unit;
                        assertThat(part.first()).isEqualTo(parts == 0);
                        assertThat(part.messageLength()).isEqualTo(message.length - 1);
                        joined.writeBytes(ByteBufUtil.getBytes(part.bytes()));
                        assertThat(part.last()).isEqualTo(joined.size() == message.length);
                    } finally {
                        unit.content().release();
                    }
                }
            }
            assertThat(channel.finish()).isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(parts).isEqualTo(4);
        assertThat(joined.toByteArray()).isEqualTo(message);
    }

    /**
     * Buffer ownership without ByteToMessageDecoder: a read that is one whole message becomes the frame's buffer
     * itself; a message split over two reads is completed in place behind a frame already passed on (whose bytes do
     * not change); after the frames are released every read buffer is freed, and a partial message left at the end
     * is freed when the channel closes.
     */
    @Test
    void handsWholeReadsOnAndFreesEveryBuffer() {
        EmbeddedChannel channel = decoder(Direction.FRONTEND);
        byte[] sync = {'S', 0, 0, 0, 4};
        byte[] query = {'Q', 0, 0, 0, 13, 's', 'e', 'l', 'e', 'c', 't', ' ', '1', 0};
        ByteBuf whole = Unpooled.directBuffer(64).writeBytes(query);
        ByteBuf syncThenHalf = Unpooled.directBuffer(64).writeBytes(sync).writeBytes(query, 0, 7);
        ByteBuf rest = Unpooled.directBuffer(64).writeBytes(query, 7, query.length - 7);
        ByteBuf halfAtClose = Unpooled.directBuffer(64).writeBytes(query, 0, 3);
        try {
            channel.writeInbound(whole);
            Frame first = channel.readInbound();
            assertThat(first.bytes()).isSameAs(whole);
            first.release();
            assertThat(whole.refCnt()).isZero();

            channel.writeInbound(syncThenHalf);
            Frame syncFrame = channel.readInbound();
            assertThat(channel.<Object>readInbound()).isNull();
            channel.writeInbound(rest);
            Frame completed = channel.readInbound();
            assertThat(ByteBufUtil.getBytes(syncFrame.bytes())).isEqualTo(sync);
            assertThat(ByteBufUtil.getBytes(completed.bytes())).isEqualTo(query);
            assertThat(rest.refCnt()).as("copied into the first read's buffer and released").isZero();
            syncFrame.release();
            completed.release();
            assertThat(syncThenHalf.refCnt()).isZero();

            channel.writeInbound(halfAtClose);
            assertThat(channel.<Object>readInbound()).isNull();
            assertThat(channel.finish()).isFalse();
            assertThat(halfAtClose.refCnt()).as("released at close").isZero();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Types the pooler must see whole (Parse, Sync...) are accumulated even when large, within the frame limit. */
    @Test
    void accumulatesLargeNonStreamableMessagesWhole() {
        byte[] message = message('P', 200_000, new Random(1));
        EmbeddedChannel channel = decoder(Direction.FRONTEND);
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(message, 0, 100_000));
            assertThat(channel.<Object>readInbound()).isNull();
            channel.writeInbound(Unpooled.wrappedBuffer(message, 100_000, 100_000));
            Frame frame = channel.readInbound();
            try {
                assertThat(ByteBufUtil.getBytes(frame.bytes())).isEqualTo(message);
            } finally {
                frame.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * A 10 MB CopyData fed in 64 KiB chunks: after every chunk, every byte received so far has been emitted, so the
     * decoder holds nothing back and memory does not grow with the message (PgBouncer's pkt_remain).
     */
    @Test
    void streamsTenMegabyteCopyDataWithoutAccumulating() {
        int size = 10 * 1024 * 1024;
        byte[] message = message('d', size, new Random(10));
        EmbeddedChannel channel = decoder(Direction.FRONTEND);
        long emitted = 0;
        int parts = 0;
        long heapBefore = usedHeap();
        long heapPeak = heapBefore;
        try {
            for (int at = 0; at < message.length; at += 64 * 1024) {
                int n = Math.min(64 * 1024, message.length - at);
                channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(message, at, at + n)));
                for (WireUnit unit; (unit = channel.readInbound()) != null; parts++) {
                    try {
                        assertThat(unit).isInstanceOf(FramePart.class);
                        ByteBuf bytes = unit.content();
                        for (int i = 0; i < bytes.readableBytes(); i++) {
                            if (bytes.getByte(bytes.readerIndex() + i) != message[(int) emitted + i]) {
                                throw new AssertionError("byte " + (emitted + i) + " differs");
                            }
                        }
                        emitted += bytes.readableBytes();
                    } finally {
                        unit.content().release();
                    }
                }
                assertThat(emitted).as("bytes emitted after %d received", at + n).isEqualTo(at + n);
                heapPeak = Math.max(heapPeak, usedHeap());
            }
            assertThat(channel.finish()).isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(parts).isEqualTo(message.length / (64 * 1024) + (message.length % (64 * 1024) == 0 ? 0 : 1));
        System.out.printf("10 MB CopyData: %d parts; used heap before %d KiB, peak %d KiB (figures, not asserted)%n",
                parts, heapBefore / 1024, heapPeak / 1024);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** A whole message: type, length, then random body bytes. */
    private static byte[] message(char type, int totalLength, Random random) {
        byte[] message = new byte[totalLength];
        random.nextBytes(message);
        message[0] = (byte) type;
        Unpooled.wrappedBuffer(message).setInt(1, totalLength - 1);
        return message;
    }

    private static ByteBuf header(int type, int length) {
        return Unpooled.buffer().writeByte(type).writeInt(length);
    }
}
