package io.tidepool.wire.codec;

import io.tidepool.wire.golden.Frames;
import io.tidepool.wire.golden.Frames.Unit;
import io.tidepool.wire.golden.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole recorded connections (golden/streams, PostgreSQL 15.18 with psql, pgjdbc, pg_receivewal and a raw client)
 * fed through the real decoders split at every byte offset, byte by byte, and in the reads as they were recorded:
 * the frames must not depend on how the bytes arrive (Netty's byte-at-a-time decoder tests, generalised).
 *
 * <p>Frontend streams go through StartupDecoder, which hands over to a FrameDecoder after the StartupMessage. An
 * SSLRequest or GSSENCRequest is fed as its own write, as a real client does (it waits for the one-byte answer);
 * bytes behind it in the same write are refused on purpose (CVE-2021-3935, see StartupDecoderTest). Backend streams
 * skip that one-byte answer and go through a backend FrameDecoder.
 */
class GoldenStreamFragmentationTest {
    static List<String> streams() {
        return Golden.list("streams");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void framesDoNotDependOnHowBytesArrive(String stream) {
        boolean frontend = stream.endsWith("-frontend.hex");
        List<byte[]> reads = new ArrayList<>(Golden.reads(stream));
        List<byte[]> prefix = new ArrayList<>();
        if (frontend) {
            while (!reads.isEmpty() && isEncryptionRequest(reads.getFirst())) {
                prefix.add(reads.removeFirst());
            }
        } else if (!reads.isEmpty() && reads.getFirst().length == 1) {
            reads.removeFirst();                            // 'N': the answer to SSLRequest/GSSENCRequest
        }
        byte[] bytes = concat(reads);

        List<Unit> whole = decode(frontend, prefix, List.of(bytes));
        assertThat(String.join("", whole.stream().map(Unit::hex).toList()))
                .as("the frames cover the stream exactly").isEqualTo(HexFormat.of().formatHex(concat(prefix))
                        + HexFormat.of().formatHex(bytes));
        assertThat(decode(frontend, prefix, reads)).as("as recorded").isEqualTo(whole);
        for (int split = 1; split < bytes.length; split++) {
            List<byte[]> two = List.of(Arrays.copyOfRange(bytes, 0, split),
                    Arrays.copyOfRange(bytes, split, bytes.length));
            assertThat(decode(frontend, prefix, two)).as("split at %d", split).isEqualTo(whole);
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : bytes) {
            single.add(new byte[] {b});
        }
        assertThat(decode(frontend, prefix, single)).as("byte by byte").isEqualTo(whole);
        System.out.println(stream + ": " + bytes.length + " bytes, " + whole.size() + " units, "
                + (bytes.length + 1) + " arrivals checked");
    }

    private static List<Unit> decode(boolean frontend, List<byte[]> prefix, List<byte[]> chunks) {
        List<byte[]> all = new ArrayList<>(prefix);
        all.addAll(chunks);
        return frontend ? Frames.decodeStartup(all) : Frames.decodeTyped(Direction.BACKEND, all);
    }

    private static boolean isEncryptionRequest(byte[] read) {
        if (read.length != 8) {
            return false;
        }
        int code = ((read[4] & 0xff) << 24) | ((read[5] & 0xff) << 16) | ((read[6] & 0xff) << 8) | (read[7] & 0xff);
        return code == io.tidepool.wire.StartupCode.SSL_REQUEST || code == io.tidepool.wire.StartupCode.GSSENC_REQUEST;
    }

    private static byte[] concat(List<byte[]> parts) {
        var out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
