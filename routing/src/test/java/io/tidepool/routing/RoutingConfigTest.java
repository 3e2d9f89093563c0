package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingConfigTest {

    @Test
    void defaultsWhenTheSectionIsAbsent() {
        var c = RoutingConfig.DEFAULTS;
        assertThat(c.checkInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.checkTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.rise()).isEqualTo(2);
        assertThat(c.fall()).isEqualTo(3);
        assertThat(c.maxStandbyLag()).isEqualTo(new LagLimit(16L << 20, Duration.ZERO));
        assertThat(c.standbyBalance()).isEqualTo(StandbyBalance.ROUND_ROBIN);
        assertThat(c.readFallbackToPrimary()).isFalse();
        assertThat(c.failoverWaitTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.monitorUser()).isEqualTo("postgres");
        assertThat(c.monitorPassword()).isNull();
        assertThat(c.monitorDbname()).isEqualTo("postgres");
        assertThat(c.writeLease()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void parsesEveryKey() {
        var warnings = new ArrayList<String>();
        var c = RoutingConfig.parse(Map.ofEntries(
                Map.entry("check_interval", "0.1"),
                Map.entry("check_timeout", "500ms"),
                Map.entry("rise", "1"),
                Map.entry("fall", "2"),
                Map.entry("max_standby_lag_bytes", "1MB"),
                Map.entry("max_standby_lag_seconds", "2.5"),
                Map.entry("standby_balance", "least_lag"),
                Map.entry("read_fallback_to_primary", "yes"),
                Map.entry("failover_wait_timeout", "1min"),
                Map.entry("monitor_user", "tidepool_monitor"),
                Map.entry("monitor_password", "s3cret"),
                Map.entry("monitor_dbname", "app"),
                Map.entry("on_role_change", "/usr/local/bin/notify"),
                Map.entry("readonly_listen_port", "6433"),
                Map.entry("check_intervall", "1")), warnings::add);
        assertThat(c.checkInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.checkTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.rise()).isEqualTo(1);
        assertThat(c.fall()).isEqualTo(2);
        assertThat(c.maxStandbyLag()).isEqualTo(new LagLimit(1 << 20, Duration.ofMillis(2500)));
        assertThat(c.standbyBalance()).isEqualTo(StandbyBalance.LEAST_LAG);
        assertThat(c.readFallbackToPrimary()).isTrue();
        assertThat(c.failoverWaitTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.monitorUser()).isEqualTo("tidepool_monitor");
        assertThat(c.monitorPassword()).isEqualTo("s3cret");
        assertThat(c.monitorDbname()).isEqualTo("app");
        assertThat(c.onRoleChange()).isEqualTo("/usr/local/bin/notify");
        assertThat(c.readonlyListenPort()).isEqualTo(6433);
        assertThat(c.pauseThreshold()).isEqualTo(Duration.ofMillis(200));
        assertThat(warnings).containsExactly("[routing] unknown key: check_intervall");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void rejectsBadValuesNamingKeyValueAndExpectation() {
        assertThatThrownBy(() -> parse("check_interval", "0.05"))
                .hasMessage("check_interval: 50ms (expected: >= 100ms)");
        assertThatThrownBy(() -> parse("check_interval", "fast"))
                .hasMessageStartingWith("check_interval: \"fast\" (expected: seconds");
        assertThatThrownBy(() -> parse("check_timeout", "-1"))
                .hasMessageStartingWith("check_timeout: \"-1\" (expected:");
        assertThatThrownBy(() -> parse("rise", "0")).hasMessage("rise: 0 (expected: 1..1000)");
        assertThatThrownBy(() -> parse("fall", "x")).hasMessage("fall: \"x\" (expected: an integer)");
        assertThatThrownBy(() -> parse("max_standby_lag_bytes", "lots"))
                .hasMessageStartingWith("max_standby_lag_bytes: \"lots\" (expected: bytes");
        assertThatThrownBy(() -> parse("max_standby_lag_bytes", "99999999999GB"))
                .hasMessageStartingWith("max_standby_lag_bytes: \"99999999999GB\" (expected: a size");
        assertThatThrownBy(() -> parse("standby_balance", "least_connections"))
                .hasMessageStartingWith("standby_balance: \"least_connections\" (expected:");
        assertThatThrownBy(() -> parse("read_fallback_to_primary", "maybe"))
                .hasMessageStartingWith("read_fallback_to_primary: \"maybe\" (expected:");
        assertThatThrownBy(() -> parse("readonly_listen_port", "70000"))
                .hasMessage("readonly_listen_port: 70000 (expected: 0..65535)");
    }

    private static RoutingConfig parse(String key, String value) {
        return RoutingConfig.parse(Map.of(key, value), w -> { });
    }
}
