package io.tidepool.vip.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.vip.vrrp.Ipv4;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VrrpConfigTest {
    static Map<String, String> minimal() {
        var keys = new HashMap<String, String>();
        keys.put("interface", "eth0");
        keys.put("virtual_router_id", "51");
        keys.put("virtual_ipaddress", "192.0.2.50/24");
        return keys;
    }

    @Test
    void defaultsFollowKeepalivedExceptVersion() {
        VrrpConfig c = VrrpConfig.parse(minimal(), Map.of());
        assertThat(c.version()).isEqualTo(3);
        assertThat(c.priority()).isEqualTo(100);
        assertThat(c.advertIntervalCentis()).isEqualTo(100);
        assertThat(c.garpMasterRepeat()).isEqualTo(5);
        assertThat(c.garpMasterDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.unicast()).isFalse();
        assertThat(c.nopreempt()).isFalse();
        assertThat(c.vipLifetimeSeconds()).isEqualTo(3);
        assertThat(c.virtualAddresses()).hasToString("[192.0.2.50/24]");
    }

    @Test
    void parsesEveryKey() {
        var keys = minimal();
        keys.putAll(Map.of("priority", "150", "advert_int", "0.1", "virtual_ipaddress", "192.0.2.50, 192.0.2.51/32",
                "unicast_src_ip", "192.0.2.11", "unicast_peer", "192.0.2.12 192.0.2.13", "nopreempt", "",
                "preempt_delay", "2.5", "track_script", "chk", "track_interface", "eth1", "checksum_rfc9568", "yes"));
        keys.put("notify_master", "/usr/local/bin/became-master --now");
        keys.put("vip_lifetime", "2");
        VrrpConfig c = VrrpConfig.parse(keys, Map.of("chk", Map.of("script", "pg_isready -q", "interval", "0.5",
                "weight", "-60", "fall", "2", "rise", "3")));
        assertThat(c.advertIntervalCentis()).isEqualTo(10);
        assertThat(c.virtualAddresses()).hasToString("[192.0.2.50/32, 192.0.2.51/32]");
        assertThat(c.unicastPeers()).containsExactly(Ipv4.parse("192.0.2.12"), Ipv4.parse("192.0.2.13"));
        assertThat(c.nopreempt()).isTrue();
        assertThat(c.preemptDelay()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.checksumRfc9568()).isTrue();
        assertThat(c.notifyMaster()).isEqualTo("/usr/local/bin/became-master --now");
        assertThat(c.trackInterfaces()).containsExactly("eth1");
        var chk = c.trackScripts().getFirst();
        assertThat(chk.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(chk.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(chk.weight()).isEqualTo(-60);
        assertThat(chk.rise()).isEqualTo(3);
        assertThat(chk.fall()).isEqualTo(2);
    }

    @Test
    void v2WithPassword() {
        var keys = minimal();
        keys.putAll(Map.of("version", "2", "auth_type", "PASS", "auth_pass", "s3cret99", "advert_int", "1"));
        assertThat(VrrpConfig.parse(keys, Map.of()).authPass()).isEqualTo("s3cret99");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            interface         | ''          | [vrrp] interface: '' (expected: a value; the key is required)
            virtual_router_id | 256         | [vrrp] virtual_router_id: '256' (expected: an integer 1..255)
            priority          | 0           | [vrrp] priority: '0' (expected: an integer 1..255)
            advert_int        | 0.005       | [vrrp] advert_int: '0.005' (expected: seconds 0.01..40.95 in steps of 0.01 (version 3))
            advert_int        | 41          | [vrrp] advert_int: '41' (expected: seconds 0.01..40.95 in steps of 0.01 (version 3))
            virtual_ipaddress | 192.0.2.300 | [vrrp] virtual_ipaddress: '192.0.2.300' (expected: an IPv4 address a.b.c.d)
            virtual_ipaddress | 192.0.2.5/33 | [vrrp] virtual_ipaddress: '192.0.2.5/33' (expected: a prefix length 1..32)
            auth_pass         | secret      | [vrrp] auth_pass: 'secret' (expected: no authentication with version 3 (RFC 5798 §9))
            nopreempt         | maybe       | [vrrp] nopreempt: 'maybe' (expected: true/false, yes/no, on/off or 1/0)
            track_script      | missing     | [vrrp] track_script: 'missing' (expected: the name of a [vrrp_script missing] section)
            preempt_delay     | 1001        | [vrrp] preempt_delay: '1001' (expected: seconds 0.0..1000.0)
            """)
    void rejectsBadValuesClearly(String key, String value, String message) {
        var keys = minimal();
        keys.put(key, value);
        assertThatThrownBy(() -> VrrpConfig.parse(keys, Map.of())).isInstanceOf(VrrpConfigException.class)
                .hasMessage(message);
    }

    @Test
    void rejectsUnknownKeysAndV2FractionalIntervals() {
        var keys = minimal();
        keys.put("advert_intt", "1");
        assertThatThrownBy(() -> VrrpConfig.parse(keys, Map.of())).hasMessageStartingWith(
                "[vrrp] unknown key: 'advert_intt' (expected one of: [advert_int, auth_pass,");
        var v2 = minimal();
        v2.putAll(Map.of("version", "2", "advert_int", "0.5"));
        assertThatThrownBy(() -> VrrpConfig.parse(v2, Map.of()))
                .hasMessage("[vrrp] advert_int: '0.5' (expected: whole seconds 1..255 (version 2))");
    }

    @Test
    void scriptSectionErrorsNameTheSection() {
        var keys = minimal();
        keys.put("track_script", "chk");
        assertThatThrownBy(() -> VrrpConfig.parse(keys, Map.of("chk", Map.of("script", "true", "weight", "300"))))
                .hasMessage("[vrrp_script chk] weight: '300' (expected: an integer -253..253)");
        assertThatThrownBy(() -> VrrpConfig.parse(keys, Map.of("chk", Map.of("interval", "1"))))
                .hasMessage("[vrrp_script chk] script: '' (expected: a value; the key is required)");
    }

    @Test
    void readsAStandaloneIniFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vrrp.ini");
        Files.writeString(file, """
                # standalone VRRP
                [vrrp]
                interface = eth0
                virtual_router_id = 51
                virtual_ipaddress = 192.0.2.50/24
                track_script = chk_pool

                [vrrp_script  chk_pool]
                script = true
                weight = -60
                """);
        var sections = IniSections.read(file);
        VrrpConfig c = VrrpConfig.parse(sections.get("vrrp"), IniSections.scripts(sections));
        assertThat(c.trackScripts()).singleElement().satisfies(s -> assertThat(s.weight()).isEqualTo(-60));
    }
}
