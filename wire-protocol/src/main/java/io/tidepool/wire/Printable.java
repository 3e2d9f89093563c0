package io.tidepool.wire;

/** Renders untrusted bytes for error texts and logs without letting control characters through. */
public final class Printable {
    private Printable() {
    }

    /** {@code 'Q'} stays {@code Q}; anything unprintable becomes {@code \xNN}. */
    public static String typeChar(byte type) {
        int b = type & 0xff;
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b);
    }
}
