package io.tidepool.vip.vrrp;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One VRRP ADVERTISEMENT for IPv4, version 2 (RFC 3768 §5.1) or 3 (RFC 5798 §5.1, RFC 9568 §5.1). Immutable; built by
 * the sender on the VRRP thread, or decoded by tests and tools (the receive loop validates in place with
 * {@link AdvertFilter} instead, to allocate nothing per packet).
 *
 * <pre>
 *  v3: Ver=3|Type=1  VRID  Priority  Count | Rsvd(4)|Max Adver Int(12, centiseconds)  Checksum | IPv4 addresses
 *  v2: Ver=2|Type=1  VRID  Priority  Count | Auth Type  Adver Int(seconds)  Checksum | IPv4 addresses | Auth Data(8)
 * </pre>
 *
 * @param version                 2 or 3
 * @param vrid                    virtual router id, 1..255
 * @param priority                0 (master stops), 1..254 (backups), 255 (address owner)
 * @param maxAdvertIntervalCentis the advert interval in centiseconds; v2 carries whole seconds, so a multiple of 100
 * @param addresses               the virtual addresses, 1..255 of them
 * @param authType                v2 only: 0 none, 1 simple text password (keepalived {@code auth_type PASS})
 * @param authData                v2 only: the 8 auth bytes as a big-endian long (see {@link #authData(String)})
 */
public record VrrpAdvertisement(int version, int vrid, int priority, int maxAdvertIntervalCentis,
                                List<Inet4Address> addresses, int authType, long authData) {
    /** Type nibble of an ADVERTISEMENT, the only type defined. */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** Bytes before the address list. */
    public static final int HEADER_LENGTH = 8;
    /** v2 authentication data trailer. */
    public static final int V2_AUTH_LENGTH = 8;
    /** v2 Auth Type "Simple Text Password" (RFC 2338 §5.3.6.1; keepalived {@code auth_type PASS}). */
    public static final int AUTH_PASS = 1;

    public VrrpAdvertisement {
        addresses = List.copyOf(addresses);
        if (version != 2 && version != 3) {
            throw new VrrpFormatException(DropReason.VERSION, "version: " + version + " (expected: 2 or 3)");
        }
        if (vrid < 1 || vrid > 255) {
            throw new VrrpFormatException(DropReason.VRID, "vrid: " + vrid + " (expected: 1..255)");
        }
        if (priority < 0 || priority > 255) {
            throw new VrrpFormatException(DropReason.LENGTH, "priority: " + priority + " (expected: 0..255)");
        }
        if (version == 3 ? maxAdvertIntervalCentis < 1 || maxAdvertIntervalCentis > 4095
                : maxAdvertIntervalCentis < 100 || maxAdvertIntervalCentis > 25500
                        || maxAdvertIntervalCentis % 100 != 0) {
            throw new VrrpFormatException(DropReason.INTERVAL, "advert interval: " + maxAdvertIntervalCentis
                    + " cs (expected: v3 1..4095 cs, v2 whole seconds 1..255)");
        }
        if (addresses.isEmpty() || addresses.size() > 255) {
            throw new VrrpFormatException(DropReason.ADDRESS_COUNT,
                    "address count: " + addresses.size() + " (expected: 1..255)");
        }
        if (version == 3 && (authType != 0 || authData != 0)) {
            throw new VrrpFormatException(DropReason.AUTH, "auth type: " + authType + " (expected: none in v3)");
        }
        if (authType < 0 || authType > 255) {
            throw new VrrpFormatException(DropReason.AUTH, "auth type: " + authType + " (expected: 0..255)");
        }
    }

    /** A v3 advert (no authentication exists in v3). */
    public static VrrpAdvertisement v3(int vrid, int priority, int intervalCentis, List<Inet4Address> addresses) {
        return new VrrpAdvertisement(3, vrid, priority, intervalCentis, addresses, 0, 0);
    }

    /** keepalived's {@code auth_pass}: the first 8 bytes of the text, zero padded, as a big-endian long. */
    public static long authData(String password) {
        byte[] text = password.getBytes(StandardCharsets.UTF_8);
        long value = 0;
        for (int i = 0; i < V2_AUTH_LENGTH; i++) {
            value = value << 8 | (i < text.length ? text[i] & 0xff : 0);
        }
        return value;
    }

    /** Bytes on the wire: {@code 8 + 4n}, plus 8 auth bytes in v2. */
    public int length() {
        return length(version, addresses.size());
    }

    static int length(int version, int count) {
        return HEADER_LENGTH + 4 * count + (version == 2 ? V2_AUTH_LENGTH : 0);
    }

    /**
     * Writes this advert at {@code offset} (absolute, the buffer's position is untouched) with its checksum. For v3
     * {@code form} selects keepalived's pseudo-header form or RFC 9568's; v2 always sums the message only.
     *
     * @return the number of bytes written
     */
    public int encode(ByteBuffer out, int offset, ChecksumForm form, int srcIp, int dstIp) {
        int length = length();
        out.put(offset, (byte) (version << 4 | TYPE_ADVERTISEMENT));
        out.put(offset + 1, (byte) vrid);
        out.put(offset + 2, (byte) priority);
        out.put(offset + 3, (byte) addresses.size());
        if (version == 3) {
            out.putShort(offset + 4, (short) (maxAdvertIntervalCentis & 0x0fff));   // Rsvd bits are zero
        } else {
            out.put(offset + 4, (byte) authType);
            out.put(offset + 5, (byte) (maxAdvertIntervalCentis / 100));
        }
        out.putShort(offset + 6, (short) 0);
        int at = offset + HEADER_LENGTH;
        for (Inet4Address address : addresses) {
            out.putInt(at, Ipv4.toInt(address));
            at += 4;
        }
        if (version == 2) {
            out.putLong(at, authType == 0 ? 0 : authData);
        }
        ChecksumForm used = version == 2 ? ChecksumForm.MESSAGE_ONLY : form;
        out.putShort(offset + 6, (short) Checksum.compute(out, offset, length, used, srcIp, dstIp));
        return length;
    }

    /** Encodes into a fresh array (tests and tools; the send path reuses one buffer). */
    public byte[] toBytes(ChecksumForm form, int srcIp, int dstIp) {
        byte[] bytes = new byte[length()];
        encode(ByteBuffer.wrap(bytes), 0, form, srcIp, dstIp);
        return bytes;
    }

    /**
     * Decodes the VRRP message (no IP header) of {@code length} bytes at {@code offset}. Checks only what the format
     * needs (version, type, the length the address count implies, field ranges); the checksum and the policy checks are
     * {@link Checksum} and {@link AdvertFilter}. Trailing bytes (Ethernet padding) are ignored.
     *
     * @throws VrrpFormatException for anything malformed; nothing else escapes
     */
    public static VrrpAdvertisement decode(ByteBuffer in, int offset, int length) {
        if (length < HEADER_LENGTH) {
            throw new VrrpFormatException(DropReason.SHORT, "advert length: " + length + " (expected: >= 8)");
        }
        int first = in.get(offset) & 0xff;
        int version = first >>> 4;
        if (version != 2 && version != 3) {
            throw new VrrpFormatException(DropReason.VERSION, "version: " + version + " (expected: 2 or 3)");
        }
        if ((first & 0x0f) != TYPE_ADVERTISEMENT) {
            throw new VrrpFormatException(DropReason.TYPE, "type: " + (first & 0x0f) + " (expected: 1)");
        }
        int count = in.get(offset + 3) & 0xff;
        int needed = length(version, count);        // at most 1036: never trusts more than the bytes present
        if (length < needed) {
            throw new VrrpFormatException(DropReason.LENGTH,
                    "advert length: " + length + " (expected: >= " + needed + " for " + count + " addresses)");
        }
        int interval = version == 3 ? in.getShort(offset + 4) & 0x0fff : (in.get(offset + 5) & 0xff) * 100;
        int authType = version == 3 ? 0 : in.get(offset + 4) & 0xff;
        List<Inet4Address> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(Ipv4.of(in.getInt(offset + HEADER_LENGTH + 4 * i)));
        }
        long authData = version == 3 ? 0 : in.getLong(offset + HEADER_LENGTH + 4 * count);
        return new VrrpAdvertisement(version, in.get(offset + 1) & 0xff, in.get(offset + 2) & 0xff, interval,
                addresses, authType, authData);
    }

    /** {@link #decode(ByteBuffer, int, int)} over a whole array. */
    public static VrrpAdvertisement decode(byte[] message) {
        return decode(ByteBuffer.wrap(message), 0, message.length);
    }
}
