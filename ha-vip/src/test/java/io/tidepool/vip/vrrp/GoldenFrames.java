package io.tidepool.vip.vrrp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** Loads {@code golden/vrrp/NAME.hex} (comment lines start with '#', hex may contain spaces) and slices frames. */
public final class GoldenFrames {
    public static final int ETHERNET_HEADER = 14;
    public static final int IP_HEADER = 20;

    private GoldenFrames() {
    }

    /** The whole Ethernet frame. */
    public static byte[] frame(String name) {
        try (InputStream in = GoldenFrames.class.getResourceAsStream("/golden/vrrp/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file golden/vrrp/" + name + ".hex");
            }
            var hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    hex.append(line.replaceAll("\\s", ""));
                }
            }
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The IPv4 packet (what a raw socket delivers). */
    public static byte[] ipPacket(String name) {
        byte[] frame = frame(name);
        return Arrays.copyOfRange(frame, ETHERNET_HEADER, frame.length);
    }

    /** The VRRP message alone. */
    public static byte[] vrrp(String name) {
        byte[] frame = frame(name);
        return Arrays.copyOfRange(frame, ETHERNET_HEADER + IP_HEADER, frame.length);
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
