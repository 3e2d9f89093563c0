package io.tidepool.vip.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.vip.vrrp.GoldenFrames;
import io.tidepool.vip.vrrp.Ipv4;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Our gratuitous ARP frame is byte for byte keepalived 2.2.7's (golden/vrrp/garp.hex). */
class GarpSenderTest {
    @Test
    void encodesKeepalivedsGratuitousArp() {
        byte[] frame = new byte[GarpSender.FRAME_LENGTH];
        GarpSender.encode(ByteBuffer.wrap(frame), HexFormat.of().parseHex("020000000011"),
                Ipv4.toInt(Ipv4.parse("192.0.2.50")));
        assertThat(GoldenFrames.hex(frame)).isEqualTo(GoldenFrames.hex(GoldenFrames.frame("garp")));
    }
}
