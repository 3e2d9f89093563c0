package io.tidepool.perf.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Limits;
import io.tidepool.wire.WireUnit;
import io.tidepool.wire.codec.Direction;
import io.tidepool.wire.codec.FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link FrameDecoder} on a realistic backend stream: the bytes a server sends for a batch of query
 * results, each a RowDescription, {@code rows} DataRows, a CommandComplete and a ReadyForQuery, fed to the decoder in
 * one read of about 64 KiB (a typical epoll read batch) and split into retained frame slices. {@code rows = 1} is
 * pgbench {@code -S} (one int4 column per result); {@code rows = 100} with five columns is a small report query. The
 * score is decoded read batches per second; bytes/s = score x {@link #streamBytes}. Run with
 * {@code java -jar perf/target/tidepool-perf.jar FrameDecoderBenchmark}. State confined to JMH's thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "--enable-native-access=ALL-UNNAMED"})
public class FrameDecoderBenchmark {
    private static final int READ_BATCH = 64 * 1024;

    /** DataRows per result. */
    @Param({"1", "100"})
    public int rows;

    /** Length of the stream fed per invocation, printed at setup for converting the score to bytes/s. */
    public int streamBytes;

    private ByteBuf stream = Unpooled.EMPTY_BUFFER;
    private EmbeddedChannel channel = new EmbeddedChannel();

    @Setup(Level.Trial)
    public void setUp() {
        ByteBuf one = PooledByteBufAllocator.DEFAULT.directBuffer();
        int columns = rows == 1 ? 1 : 5;
        BackendStream.result(one, columns, rows);
        int results = Math.max(1, READ_BATCH / one.readableBytes());
        stream = PooledByteBufAllocator.DEFAULT.directBuffer(one.readableBytes() * results);
        for (int i = 0; i < results; i++) {
            stream.writeBytes(one, one.readerIndex(), one.readableBytes());
        }
        one.release();
        streamBytes = stream.readableBytes();
        System.out.println("# stream: " + results + " results of " + rows + " rows, " + streamBytes + " bytes");
        channel.finishAndReleaseAll();             // the placeholder from construction
        channel = new EmbeddedChannel(new FrameDecoder(Direction.BACKEND, Limits.DEFAULT));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        stream.release();
    }

    /** One read batch through the decoder; every frame is consumed and released as the pooler's forwarder would. */
    @Benchmark
    public void decodeReadBatch(Blackhole blackhole) {
        channel.writeInbound(stream.retainedDuplicate());
        Object frame;
        while ((frame = channel.readInbound()) != null) {
            WireUnit unit = (WireUnit) frame;
            blackhole.consume(unit.type());
            unit.content().release();
        }
    }

    /** Builds backend messages by the layouts of the PostgreSQL 15 docs, "Message Formats" (protocol 3.0). */
    static final class BackendStream {
        private static final int INT4_OID = 23;

        private BackendStream() {
        }

        /** RowDescription, {@code rows} DataRows of {@code columns} int4 text values, CommandComplete, RFQ 'I'. */
        static void result(ByteBuf out, int columns, int rows) {
            int start = begin(out, 'T');
            out.writeShort(columns);
            for (int c = 0; c < columns; c++) {
                cstring(out, c == 0 ? "abalance" : "column" + c);
                out.writeInt(16_400 + c);                   // table OID
                out.writeShort(c + 1);                      // attribute number
                out.writeInt(INT4_OID);
                out.writeShort(4);                          // typlen
                out.writeInt(-1);                           // typmod
                out.writeShort(0);                          // text format
            }
            end(out, start);
            for (int r = 0; r < rows; r++) {
                start = begin(out, 'D');
                out.writeShort(columns);
                for (int c = 0; c < columns; c++) {
                    byte[] value = Integer.toString(r * 7919 + c).getBytes(StandardCharsets.US_ASCII);
                    out.writeInt(value.length);
                    out.writeBytes(value);
                }
                end(out, start);
            }
            start = begin(out, 'C');
            cstring(out, "SELECT " + rows);
            end(out, start);
            start = begin(out, 'Z');
            out.writeByte('I');
            end(out, start);
        }

        private static int begin(ByteBuf out, char type) {
            out.writeByte(type);
            int lengthAt = out.writerIndex();
            out.writeInt(0);                                // back-patched by end()
            return lengthAt;
        }

        private static void end(ByteBuf out, int lengthAt) {
            out.setInt(lengthAt, out.writerIndex() - lengthAt);   // the length counts itself, not the type byte
        }

        private static void cstring(ByteBuf out, String value) {
            out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            out.writeByte(0);
        }
    }
}
