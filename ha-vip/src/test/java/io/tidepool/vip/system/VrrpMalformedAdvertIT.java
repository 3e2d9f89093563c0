package io.tidepool.vip.system;

import static io.tidepool.vip.system.VrrpLab.ini;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidepool.testkit.NetNs;
import io.tidepool.vip.state.VrrpState;
import io.tidepool.vip.system.VrrpLab.Node;
import io.tidepool.vip.vrrp.ChecksumForm;
import io.tidepool.vip.vrrp.Ipv4;
import io.tidepool.vip.vrrp.VrrpAdvertisement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed adverts on the wire (issue 6 acceptance): short, wrong checksum, TTL != 255, wrong auth, wrong VRID, all
 * claiming priority 200 so that accepting any would demote the master. They are dropped, counted by reason, and
 * change no state. A final well-formed priority-200 advert from the same injector must demote the master: that proves
 * the injected packets reached the nodes. VRRPv2 with auth_type PASS so that the auth check is on the wire.
 */
class VrrpMalformedAdvertIT {
    static final String V2 = "version = 2\nadvert_int = 1\nauth_type = PASS\nauth_pass = s3cret99";
    static final int CLIENT = Ipv4.toInt(Ipv4.parse("192.0.2.100"));
    static final List<java.net.Inet4Address> VIPS = List.of(Ipv4.parse(VrrpLab.VIP));

    @BeforeAll
    static void needsNamespaces() {
        assumeTrue(NetNs.available(), NetNs::skipReason);
    }

    static byte[] v2(int vrid, String password, int badChecksumDelta) {
        byte[] bytes = new VrrpAdvertisement(2, vrid, 200, 100, VIPS, VrrpAdvertisement.AUTH_PASS,
                VrrpAdvertisement.authData(password)).toBytes(ChecksumForm.MESSAGE_ONLY, CLIENT, Ipv4.VRRP_GROUP);
        bytes[7] += (byte) badChecksumDelta;
        return bytes;
    }

    @Test
    void malformedAdvertsAreDroppedAndCountedWithoutAStateChange() throws Exception {
        try (var lab = new VrrpLab()) {
            lab.net.exec(lab.client, "ip", "route", "add", "224.0.0.0/4", "dev", "eth0");
            Node p1 = lab.tidepool(lab.p1, ini(150, V2));
            Node p2 = lab.tidepool(lab.p2, ini(100, V2));
            p1.awaitState(VrrpState.MASTER, 0, Duration.ofSeconds(15));
            int mark1 = p1.mark();
            int mark2 = p2.mark();
            byte[] good = v2(51, "s3cret99", 0);
            lab.net.call(lab.client, () -> {
                try (var injector = new RawInjector()) {
                    for (int i = 0; i < 3; i++) {
                        injector.send(CLIENT, Ipv4.VRRP_GROUP, 255, Arrays.copyOf(good, 4));          // SHORT
                        injector.send(CLIENT, Ipv4.VRRP_GROUP, 255, v2(51, "s3cret99", 1));          // CHECKSUM
                        injector.send(CLIENT, Ipv4.VRRP_GROUP, 64, good);                            // TTL
                        injector.send(CLIENT, Ipv4.VRRP_GROUP, 255, v2(51, "guessed!", 0));          // AUTH
                        injector.send(CLIENT, Ipv4.VRRP_GROUP, 255, v2(52, "s3cret99", 0));          // VRID
                    }
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            Thread.sleep(300);
            for (Node node : List.of(p1, p2)) {
                String status = node.status();
                System.out.println("[vrrp-malformed] " + node.host.name() + ": " + status);
                assertThat(status).contains("SHORT:3", "CHECKSUM:3", "TTL:3", "AUTH:3", "VRID:3");
            }
            assertThat(p1.status()).contains("state=MASTER");
            assertThat(p1.transitionsSince(mark1)).isEmpty();
            assertThat(p2.transitionsSince(mark2)).isEmpty();

            // Positive control: the same injector's well-formed higher-priority advert does demote the master.
            lab.net.call(lab.client, () -> {
                try (var injector = new RawInjector()) {
                    injector.send(CLIENT, Ipv4.VRRP_GROUP, 255, good);
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertThat(p1.await("TRANSITION", mark1, Duration.ofSeconds(5)))
                    .contains("MASTER BACKUP higher priority advert from 192.0.2.100 (priority 200, ours 150)");
            p1.stop();
            p2.stop();
        }
    }
}
