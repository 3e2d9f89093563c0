package io.tidepool.vip.vrrp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as big-endian {@code int}s, which is how the allocation-free receive path compares them. */
public final class Ipv4 {
    /** 224.0.0.18, the VRRP multicast group (RFC 5798 §5.1.1.2). */
    public static final int VRRP_GROUP = 0xe0000012;

    private Ipv4() {
    }

    public static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    public static Inet4Address of(int address) {
        byte[] b = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);   // four bytes are always a valid IPv4 address
        }
    }

    /** Parses a dotted quad without DNS; {@link IllegalArgumentException} with the text otherwise. */
    public static Inet4Address parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("IPv4 address: '" + text + "' (expected: a.b.c.d)");
        }
        int value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = part.isEmpty() || part.length() > 3 ? -1 : Integer.parseInt(part);
            } catch (NumberFormatException e) {
                octet = -1;
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("IPv4 address: '" + text + "' (expected: a.b.c.d, each 0..255)");
            }
            value = value << 8 | octet;
        }
        return of(value);
    }

    public static String toString(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    /** Unsigned comparison, as RFC 5798 §6.4.3 compares primary addresses for the tie-break. */
    public static int compare(int a, int b) {
        return Integer.compareUnsigned(a, b);
    }
}
