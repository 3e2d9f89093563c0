package io.tidepool.vip.vrrp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * Validates a received IPv4 packet carrying VRRP in place, allocating nothing, and counts every drop by reason
 * (RFC 5798 §7.1, RFC 3768 §7.1, keepalived {@code vrrp_check_packet}). After {@link #check} accepts a packet, the
 * accessors ({@link #priority()}, {@link #source()}, ...) describe it until the next call.
 *
 * <p>Owned by the VRRP thread, which alone calls {@link #check}; the counters may be read from any thread.
 */
public final class AdvertFilter {
    private static final int IPV4_MIN_HEADER = 20;

    private final int version;
    private final int vrid;
    private final int authType;
    private final long authData;
    private final int v2IntervalSeconds;
    private final int[] sortedVips;
    private final int @Nullable [] unicastPeers;
    private final int ownAddress;

    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private final AtomicLongArray checksumForms = new AtomicLongArray(ChecksumForm.values().length);
    private long accepted;

    private int priority;
    private int source;
    private int intervalCentis;
    private ChecksumForm checksumForm = ChecksumForm.MESSAGE_ONLY;

    /**
     * @param version         2 or 3, as configured
     * @param vrid            our virtual router id
     * @param authType        v2: 0 or {@link VrrpAdvertisement#AUTH_PASS}
     * @param authData        v2: {@link VrrpAdvertisement#authData(String)} of auth_pass, else 0
     * @param intervalCentis  our advert interval; v2 requires an exact match
     * @param vips            our virtual addresses
     * @param unicastPeers    the unicast_peer addresses, or null in multicast mode
     * @param ownAddress      our primary (source) address: our own adverts are ignored
     */
    public AdvertFilter(int version, int vrid, int authType, long authData, int intervalCentis, int[] vips,
                        int @Nullable [] unicastPeers, int ownAddress) {
        this.version = version;
        this.vrid = vrid;
        this.authType = authType;
        this.authData = authData;
        this.v2IntervalSeconds = intervalCentis / 100;
        this.sortedVips = vips.clone();
        Arrays.sort(sortedVips);
        this.unicastPeers = unicastPeers == null ? null : unicastPeers.clone();
        this.ownAddress = ownAddress;
    }

    /**
     * Checks {@code length} bytes of an IPv4 packet (header included, as a raw socket delivers it) at index 0.
     *
     * @return null when the advert is acceptable, else the reason it was dropped (already counted)
     */
    public @Nullable DropReason check(ByteBuffer ip, int length) {
        DropReason reason = evaluate(ip, length);
        if (reason == null) {
            accepted++;
            checksumForms.incrementAndGet(checksumForm.ordinal());
        } else {
            drops.incrementAndGet(reason.ordinal());
        }
        return reason;
    }

    private @Nullable DropReason evaluate(ByteBuffer ip, int length) {
        if (length < IPV4_MIN_HEADER + VrrpAdvertisement.HEADER_LENGTH || ip.limit() < length) {
            return DropReason.SHORT;
        }
        int versionIhl = ip.get(0) & 0xff;
        int headerLength = (versionIhl & 0x0f) * 4;
        int totalLength = ip.getShort(2) & 0xffff;
        if (versionIhl >>> 4 != 4 || headerLength < IPV4_MIN_HEADER || totalLength > length
                || totalLength < headerLength + VrrpAdvertisement.HEADER_LENGTH) {
            return DropReason.SHORT;
        }
        int ttl = ip.get(8) & 0xff;
        int src = ip.getInt(12);
        int dst = ip.getInt(16);
        if (src == ownAddress) {
            return DropReason.OWN_ADVERT;
        }
        if (unicastPeers != null && !contains(unicastPeers, src)) {
            return DropReason.NOT_A_PEER;
        }
        // RFC 5798 §7.1: MUST discard a TTL other than 255. keepalived skips it for unicast (routed peers).
        if (ttl != 255 && (unicastPeers == null || dst == Ipv4.VRRP_GROUP)) {
            return DropReason.TTL;
        }
        int at = headerLength;
        int available = totalLength - headerLength;
        int first = ip.get(at) & 0xff;
        if (first >>> 4 != version) {
            return DropReason.VERSION;
        }
        if ((first & 0x0f) != VrrpAdvertisement.TYPE_ADVERTISEMENT) {
            return DropReason.TYPE;
        }
        if ((ip.get(at + 1) & 0xff) != vrid) {
            return DropReason.VRID;
        }
        int count = ip.get(at + 3) & 0xff;
        int expected = VrrpAdvertisement.length(version, count);
        if (available < expected || count == 0) {      // more is Ethernet padding, allowed as keepalived does
            return DropReason.LENGTH;
        }
        if (version == 2) {
            if (!Checksum.verifies(ip, at, expected, ChecksumForm.MESSAGE_ONLY, src, dst)) {
                return DropReason.CHECKSUM;
            }
            checksumForm = ChecksumForm.MESSAGE_ONLY;
        } else if (Checksum.verifies(ip, at, expected, ChecksumForm.IPV4_PSEUDO_HEADER, src, dst)) {
            checksumForm = ChecksumForm.IPV4_PSEUDO_HEADER;
        } else if (Checksum.verifies(ip, at, expected, ChecksumForm.MESSAGE_ONLY, src, dst)) {
            checksumForm = ChecksumForm.MESSAGE_ONLY;    // RFC 9568 §5.2.8 form (FRR, Cisco, keepalived >= 2.2.8)
        } else {
            return DropReason.CHECKSUM;
        }
        int prio = ip.get(at + 2) & 0xff;
        int interval;
        if (version == 2) {
            if ((ip.get(at + 4) & 0xff) != authType
                    || authType != 0 && ip.getLong(at + VrrpAdvertisement.HEADER_LENGTH + 4 * count) != authData) {
                return DropReason.AUTH;
            }
            int seconds = ip.get(at + 5) & 0xff;
            if (seconds != v2IntervalSeconds) {
                return DropReason.INTERVAL;
            }
            interval = seconds * 100;
        } else {
            interval = ip.getShort(at + 4) & 0x0fff;
            if (interval == 0) {
                return DropReason.INTERVAL;
            }
        }
        // RFC 3768 §7.1: a mismatched address list MUST be dropped unless the sender is the owner (255).
        if (prio != 255) {
            if (count != sortedVips.length) {
                return DropReason.ADDRESS_COUNT;
            }
            for (int i = 0; i < count; i++) {
                if (Arrays.binarySearch(sortedVips, ip.getInt(at + VrrpAdvertisement.HEADER_LENGTH + 4 * i)) < 0) {
                    return DropReason.ADDRESS_LIST;
                }
            }
        }
        priority = prio;
        source = src;
        intervalCentis = interval;
        return null;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** Priority of the last accepted advert. */
    public int priority() {
        return priority;
    }

    /** Source address of the last accepted advert (the sender's primary address). */
    public int source() {
        return source;
    }

    /** Advert interval of the last accepted advert, in centiseconds. */
    public int intervalCentis() {
        return intervalCentis;
    }

    /** Checksum form the last accepted advert used. */
    public ChecksumForm checksumForm() {
        return checksumForm;
    }

    /** Number of packets dropped for {@code reason} so far. */
    public long dropped(DropReason reason) {
        return drops.get(reason.ordinal());
    }

    /** Number of accepted adverts that used {@code form}. */
    public long acceptedWith(ChecksumForm form) {
        return checksumForms.get(form.ordinal());
    }

    /** Number of accepted adverts (read on the VRRP thread; other threads use {@link #acceptedWith} sums). */
    public long accepted() {
        return accepted;
    }
}
