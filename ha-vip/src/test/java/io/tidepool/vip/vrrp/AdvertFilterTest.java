package io.tidepool.vip.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * RFC 5798 §7.1 / RFC 3768 §7.1 receive checks on keepalived's real packets, each broken in one way. The IP header
 * starts at 0 and the VRRP message at 20 ({@code V} below).
 */
class AdvertFilterTest {
    static final int V = GoldenFrames.IP_HEADER;
    static final int SELF = Ipv4.toInt(Ipv4.parse("192.0.2.12"));
    static final int SENDER = Ipv4.toInt(Ipv4.parse("192.0.2.11"));
    static final int[] VIPS = {Ipv4.toInt(Ipv4.parse("192.0.2.50"))};

    static AdvertFilter multicast(int version) {
        return new AdvertFilter(version, 51, 0, 0, 100, VIPS, null, SELF);
    }

    static DropReason checkMutated(AdvertFilter filter, String golden, Consumer<byte[]> mutation) {
        byte[] ip = GoldenFrames.ipPacket(golden);
        mutation.accept(ip);
        return filter.check(ByteBuffer.wrap(ip), ip.length);
    }

    @Test
    void acceptsKeepalivedV3AndReportsTheAdvert() {
        var filter = multicast(3);
        assertThat(checkMutated(filter, "v3-multicast-prio150", ip -> { })).isNull();
        assertThat(filter.priority()).isEqualTo(150);
        assertThat(filter.source()).isEqualTo(SENDER);
        assertThat(filter.intervalCentis()).isEqualTo(100);
        assertThat(filter.checksumForm()).isEqualTo(ChecksumForm.IPV4_PSEUDO_HEADER);
        assertThat(filter.accepted()).isEqualTo(1);
    }

    @Test
    void acceptsTheRfc9568ChecksumFormToo() {
        byte[] rfc9568 = VrrpAdvertisement.v3(51, 150, 100, java.util.List.of(Ipv4.parse("192.0.2.50")))
                .toBytes(ChecksumForm.MESSAGE_ONLY, SENDER, Ipv4.VRRP_GROUP);
        var filter = multicast(3);
        assertThat(checkMutated(filter, "v3-multicast-prio150", ip -> System.arraycopy(rfc9568, 0, ip, V, 12)))
                .isNull();
        assertThat(filter.checksumForm()).isEqualTo(ChecksumForm.MESSAGE_ONLY);
        assertThat(filter.acceptedWith(ChecksumForm.MESSAGE_ONLY)).isEqualTo(1);
    }

    @Test
    void acceptsV2WithPasswordAndUnicastFromAPeer() {
        var pass = new AdvertFilter(2, 51, 1, VrrpAdvertisement.authData("s3cret99"), 100, VIPS, null, SELF);
        assertThat(checkMutated(pass, "v2-multicast-pass", ip -> { })).isNull();
        var unicast = new AdvertFilter(3, 51, 0, 0, 100, VIPS, new int[] {SENDER}, SELF);
        assertThat(checkMutated(unicast, "v3-unicast-prio150", ip -> { })).isNull();
    }

    @Test
    void acceptsEthernetPaddingAfterTheMessage() {
        byte[] ip = Arrays.copyOf(GoldenFrames.ipPacket("v3-multicast-prio150"), 46);
        ip[3] = 46;   // an IP total length that includes trailing padding bytes
        assertThat(multicast(3).check(ByteBuffer.wrap(ip), ip.length)).isNull();
    }

    @Test
    void dropsShortPackets() {
        var filter = multicast(3);
        byte[] ip = GoldenFrames.ipPacket("v3-multicast-prio150");
        assertThat(filter.check(ByteBuffer.wrap(ip), 27)).isEqualTo(DropReason.SHORT);
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> p[3] = 27)).isEqualTo(DropReason.SHORT);
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> p[0] = 0x4f)).isEqualTo(DropReason.SHORT);
        assertThat(filter.dropped(DropReason.SHORT)).isEqualTo(3);
    }

    @Test
    void dropsMulticastTtlOtherThan255() {
        assertThat(checkMutated(multicast(3), "v3-multicast-prio150", p -> p[8] = 64)).isEqualTo(DropReason.TTL);
    }

    @Test
    void unicastDoesNotCheckTtlButOnlyAcceptsPeers() {
        var unicast = new AdvertFilter(3, 51, 0, 0, 100, VIPS, new int[] {SENDER}, SELF);
        assertThat(checkMutated(unicast, "v3-unicast-prio150", p -> p[8] = 64)).isNull();
        var otherPeer = new AdvertFilter(3, 51, 0, 0, 100, VIPS, new int[] {SENDER + 5}, SELF);
        assertThat(checkMutated(otherPeer, "v3-unicast-prio150", p -> { })).isEqualTo(DropReason.NOT_A_PEER);
    }

    @Test
    void dropsWrongVersionTypeVridAndLength() {
        var filter = multicast(3);
        assertThat(checkMutated(filter, "v2-multicast-prio150", p -> { })).isEqualTo(DropReason.VERSION);
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> p[V] = 0x32)).isEqualTo(DropReason.TYPE);
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> p[V + 1] = 52)).isEqualTo(DropReason.VRID);
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> p[V + 3] = 2)).isEqualTo(DropReason.LENGTH);
    }

    @Test
    void dropsBadChecksumInEveryForm() {
        var filter = multicast(3);
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> p[V + 7]++)).isEqualTo(DropReason.CHECKSUM);
        assertThat(checkMutated(multicast(2), "v2-multicast-prio150", p -> p[V + 7]++))
                .isEqualTo(DropReason.CHECKSUM);
        // Changing the destination breaks keepalived's pseudo-header sum (and the message-only sum never matched).
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> p[19] = 19)).isEqualTo(DropReason.CHECKSUM);
    }

    @Test
    void dropsWrongAuthAndV2IntervalMismatch() {
        var pass = new AdvertFilter(2, 51, 1, VrrpAdvertisement.authData("other"), 100, VIPS, null, SELF);
        assertThat(checkMutated(pass, "v2-multicast-pass", p -> { })).isEqualTo(DropReason.AUTH);
        var noAuth = new AdvertFilter(2, 51, 0, 0, 100, VIPS, null, SELF);
        assertThat(checkMutated(noAuth, "v2-multicast-pass", p -> { })).isEqualTo(DropReason.AUTH);
        var twoSeconds = new AdvertFilter(2, 51, 0, 0, 200, VIPS, null, SELF);
        assertThat(checkMutated(twoSeconds, "v2-multicast-prio150", p -> { })).isEqualTo(DropReason.INTERVAL);
    }

    @Test
    void dropsAddressMismatchUnlessFromTheOwner() {
        int[] twoVips = {VIPS[0], VIPS[0] + 1};
        var filter = new AdvertFilter(3, 51, 0, 0, 100, twoVips, null, SELF);
        assertThat(checkMutated(filter, "v3-multicast-prio150", p -> { })).isEqualTo(DropReason.ADDRESS_COUNT);
        var otherVip = new AdvertFilter(3, 51, 0, 0, 100, new int[] {VIPS[0] + 1}, null, SELF);
        assertThat(checkMutated(otherVip, "v3-multicast-prio150", p -> { })).isEqualTo(DropReason.ADDRESS_LIST);
        byte[] owner = VrrpAdvertisement.v3(51, 255, 100, java.util.List.of(Ipv4.parse("192.0.2.50")))
                .toBytes(ChecksumForm.IPV4_PSEUDO_HEADER, SENDER, Ipv4.VRRP_GROUP);
        assertThat(checkMutated(otherVip, "v3-multicast-prio150", p -> System.arraycopy(owner, 0, p, V, 12)))
                .isNull();
    }

    @Test
    void ignoresOwnAdverts() {
        var self = new AdvertFilter(3, 51, 0, 0, 100, VIPS, null, SENDER);
        assertThat(checkMutated(self, "v3-multicast-prio150", p -> { })).isEqualTo(DropReason.OWN_ADVERT);
        assertThat(self.accepted()).isZero();
        assertThat(self.dropped(DropReason.OWN_ADVERT)).isEqualTo(1);
    }
}
