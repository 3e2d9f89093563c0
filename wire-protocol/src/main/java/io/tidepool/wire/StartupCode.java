package io.tidepool.wire;

/**
 * The int32 codes that open an untyped startup packet
 * (<a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">protocol-message-formats</a>).
 */
public final class StartupCode {
    /** Protocol 3.0 (major 3 in the high 16 bits, minor 0). */
    public static final int PROTOCOL_3_0 = 196608;
    /** Protocol 3.2 (PostgreSQL 18): longer cancel keys. 3.1 was skipped on purpose. */
    public static final int PROTOCOL_3_2 = 196610;
    public static final int CANCEL_REQUEST = 80877102;
    public static final int SSL_REQUEST = 80877103;
    public static final int GSSENC_REQUEST = 80877104;

    private StartupCode() {
    }

    public static int major(int code) {
        return code >>> 16;
    }

    public static int minor(int code) {
        return code & 0xffff;
    }
}
