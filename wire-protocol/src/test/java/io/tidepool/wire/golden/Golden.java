package io.tidepool.wire.golden;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads golden hex fixtures from {@code src/test/resources/golden/} (STYLE 2.6). A fixture is text: lines starting
 * with {@code #} are comments (server version and capture command), every other line is bytes as hex pairs,
 * optionally space-separated. Stream files written by {@code WireRecorder} hold one socket read per line, which
 * {@link #reads} keeps apart.
 */
public final class Golden {
    private Golden() {
    }

    /** The directory of the golden files, e.g. {@code dir("streams")}. */
    public static Path dir(String relative) {
        URL url = Golden.class.getClassLoader().getResource("golden/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no golden directory " + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names ({@code backend/ReadyForQuery-idle.hex}) of the fixtures in a directory, sorted. */
    public static List<String> list(String relativeDir) {
        try (Stream<Path> files = Files.list(dir(relativeDir))) {
            return files.map(p -> relativeDir + "/" + p.getFileName()).filter(n -> n.endsWith(".hex")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every byte of a fixture, in order. */
    public static byte[] bytes(String relative) {
        var out = new java.io.ByteArrayOutputStream();
        reads(relative).forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** A fixture as an unpooled buffer (nothing to release). */
    public static ByteBuf load(String relative) {
        return Unpooled.wrappedBuffer(bytes(relative));
    }

    /** The non-comment lines as byte arrays: for recorder streams, one socket read each. */
    public static List<byte[]> reads(String relative) {
        List<byte[]> reads = new ArrayList<>();
        for (String line : lines(relative)) {
            String hex = line.replace(" ", "").strip();
            if (!line.startsWith("#") && !hex.isEmpty()) {
                reads.add(HexFormat.of().parseHex(hex));
            }
        }
        return reads;
    }

    /** The {@code #} comment lines. */
    public static List<String> comments(String relative) {
        return lines(relative).stream().filter(l -> l.startsWith("#")).toList();
    }

    private static List<String> lines(String relative) {
        try {
            return Files.readAllLines(dir("").resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
