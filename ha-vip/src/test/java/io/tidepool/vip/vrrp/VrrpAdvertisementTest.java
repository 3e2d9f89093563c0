package io.tidepool.vip.vrrp;

import static io.tidepool.vip.vrrp.GoldenFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden-byte tests: keepalived 2.2.7's adverts (VRRP-NOTES §5.3) decode to the record and re-encode identically. */
class VrrpAdvertisementTest {
    static final int SRC = Ipv4.toInt(Ipv4.parse("192.0.2.11"));
    static final int PEER = Ipv4.toInt(Ipv4.parse("192.0.2.12"));
    static final List<Inet4Address> VIP = List.of(Ipv4.parse("192.0.2.50"));
    static final long PASS = VrrpAdvertisement.authData("s3cret99");

    static Stream<Arguments> goldenAdverts() {
        return Stream.of(
                Arguments.of("v2-multicast-prio150", Ipv4.VRRP_GROUP, new VrrpAdvertisement(2, 51, 150, 100, VIP, 0, 0)),
                Arguments.of("v2-multicast-prio0", Ipv4.VRRP_GROUP, new VrrpAdvertisement(2, 51, 0, 100, VIP, 0, 0)),
                Arguments.of("v3-multicast-prio150", Ipv4.VRRP_GROUP, VrrpAdvertisement.v3(51, 150, 100, VIP)),
                Arguments.of("v3-multicast-prio0", Ipv4.VRRP_GROUP, VrrpAdvertisement.v3(51, 0, 100, VIP)),
                Arguments.of("v2-unicast-prio150", PEER, new VrrpAdvertisement(2, 51, 150, 100, VIP, 0, 0)),
                Arguments.of("v3-unicast-prio150", PEER, VrrpAdvertisement.v3(51, 150, 100, VIP)),
                Arguments.of("v3-unicast-prio0", PEER, VrrpAdvertisement.v3(51, 0, 100, VIP)),
                Arguments.of("v2-multicast-pass", Ipv4.VRRP_GROUP,
                        new VrrpAdvertisement(2, 51, 150, 100, VIP, VrrpAdvertisement.AUTH_PASS, PASS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenAdverts")
    void decodesKeepalivedAdvert(String golden, int dst, VrrpAdvertisement expected) {
        assertThat(VrrpAdvertisement.decode(GoldenFrames.vrrp(golden))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenAdverts")
    void encodesKeepalivedBytesWithPseudoHeaderChecksum(String golden, int dst, VrrpAdvertisement advert) {
        byte[] encoded = advert.toBytes(ChecksumForm.IPV4_PSEUDO_HEADER, SRC, dst);
        assertThat(hex(encoded)).isEqualTo(hex(GoldenFrames.vrrp(golden)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenAdverts")
    void goldenChecksumVerifiesInTheFormKeepalivedUses(String golden, int dst, VrrpAdvertisement advert) {
        byte[] vrrp = GoldenFrames.vrrp(golden);
        var form = advert.version() == 3 ? ChecksumForm.IPV4_PSEUDO_HEADER : ChecksumForm.MESSAGE_ONLY;
        assertThat(Checksum.verifies(ByteBuffer.wrap(vrrp), 0, vrrp.length, form, SRC, dst)).isTrue();
    }

    @Test
    void unicastV3ChecksumOnlyVerifiesWithTheRealDestination() {
        // VRRP-NOTES §2.3: keepalived >= 1.3.6 uses the unicast peer, not 224.0.0.18, in the pseudo-header.
        byte[] vrrp = GoldenFrames.vrrp("v3-unicast-prio150");
        var buf = ByteBuffer.wrap(vrrp);
        assertThat(Checksum.verifies(buf, 0, vrrp.length, ChecksumForm.IPV4_PSEUDO_HEADER, SRC, PEER)).isTrue();
        assertThat(Checksum.verifies(buf, 0, vrrp.length, ChecksumForm.IPV4_PSEUDO_HEADER, SRC, Ipv4.VRRP_GROUP))
                .isFalse();
    }

    @Test
    void rfc9568FormOmitsThePseudoHeader() {
        // VRRP-NOTES §5.3: the same v3 advert with the RFC 9568 checksum is 3133960100647634c0000232.
        byte[] encoded = VrrpAdvertisement.v3(51, 150, 100, VIP)
                .toBytes(ChecksumForm.MESSAGE_ONLY, SRC, Ipv4.VRRP_GROUP);
        assertThat(hex(encoded)).isEqualTo("3133960100647634c0000232");
    }

    @Test
    void v2PasswordIsTheFirstEightBytesZeroPadded() {
        assertThat(VrrpAdvertisement.authData("s3cret99-and-more")).isEqualTo(PASS);
        assertThat(VrrpAdvertisement.authData("ab")).isEqualTo(0x6162000000000000L);
    }

    @Test
    void decodeIgnoresEthernetPadding() {
        byte[] vrrp = GoldenFrames.vrrp("v3-multicast-prio150");
        byte[] padded = java.util.Arrays.copyOf(vrrp, vrrp.length + 14);
        assertThat(VrrpAdvertisement.decode(padded)).isEqualTo(VrrpAdvertisement.decode(vrrp));
    }

    @Test
    void decodeRejectsTruncatedAddressListWithoutTrustingTheCount() {
        byte[] vrrp = GoldenFrames.vrrp("v3-multicast-prio150");
        vrrp[3] = (byte) 255;    // claims 255 addresses in a 12-byte message
        assertThatThrownBy(() -> VrrpAdvertisement.decode(vrrp))
                .isInstanceOf(VrrpFormatException.class)
                .hasMessage("advert length: 12 (expected: >= 1028 for 255 addresses)");
    }

    @Test
    void decodeRejectsUnknownVersionAndType() {
        byte[] vrrp = GoldenFrames.vrrp("v3-multicast-prio150");
        vrrp[0] = 0x41;
        assertThatThrownBy(() -> VrrpAdvertisement.decode(vrrp)).hasMessage("version: 4 (expected: 2 or 3)");
        vrrp[0] = 0x32;
        assertThatThrownBy(() -> VrrpAdvertisement.decode(vrrp)).hasMessage("type: 2 (expected: 1)");
    }

    @Test
    void v2RequiresWholeSeconds() {
        assertThatThrownBy(() -> new VrrpAdvertisement(2, 51, 100, 50, VIP, 0, 0))
                .isInstanceOf(VrrpFormatException.class)
                .hasMessageContaining("advert interval: 50 cs");
    }
}
