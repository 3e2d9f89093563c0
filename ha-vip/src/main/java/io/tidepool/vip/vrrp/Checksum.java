package io.tidepool.vip.vrrp;

import java.nio.ByteBuffer;

/** RFC 1071 Internet checksum over a region of a buffer, with the optional IPv4 pseudo-header for VRRPv3. */
public final class Checksum {
    /** IANA protocol number of VRRP. */
    public static final int PROTOCOL = 112;

    private Checksum() {
    }

    /**
     * The checksum field value for {@code length} bytes at {@code offset} (with the checksum field itself zero, or the
     * result is 0 when verifying a packet that carries its checksum).
     */
    public static int compute(ByteBuffer buf, int offset, int length, ChecksumForm form, int srcIp, int dstIp) {
        long sum = form == ChecksumForm.IPV4_PSEUDO_HEADER ? pseudoHeaderSum(srcIp, dstIp, length) : 0;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            sum += buf.getShort(i) & 0xffff;
        }
        if (i < end) {
            sum += (buf.get(i) & 0xff) << 8;       // odd length: pad with a zero byte (RFC 1071 §4.1)
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** Whether the region (checksum field included) verifies in the given form. */
    public static boolean verifies(ByteBuffer buf, int offset, int length, ChecksumForm form, int srcIp, int dstIp) {
        return compute(buf, offset, length, form, srcIp, dstIp) == 0;
    }

    // The IPv4 pseudo-header as keepalived and Wireshark lay it out; the one's-complement sum equals RFC 2460 §8.1's.
    private static long pseudoHeaderSum(int srcIp, int dstIp, int length) {
        return (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + PROTOCOL + length;
    }
}
