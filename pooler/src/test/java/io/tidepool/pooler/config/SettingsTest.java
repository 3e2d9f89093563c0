package io.tidepool.pooler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.pooler.pool.PoolMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The settings snapshot and the admin console's SET: what changes at run time and what is refused. */
class SettingsTest {

    @Test
    void allIsEveryKeySortedByNameAsShowConfigPrintsThem() {
        var names = Settings.defaults().all().stream().map(Setting::name).toList();
        // PgBouncer 1.25.2's bouncer_params[], minus the Windows-only service_name, plus Tidepool's own
        // session_state_policy and event_loops
        assertThat(names).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates().hasSize(100);
        assertThat(names).contains("listen_addr", "max_packet_size", "track_extra_parameters", "transaction_timeout");
        names.forEach(n -> assertThat(Keys.byName(n.toUpperCase())).as(n).isPresent());
    }

    @ParameterizedTest(name = "SET {0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            default_pool_size        | ' 50 '        | 50
            pool_mode                | TRANSACTION   | transaction
            query_wait_timeout       | 0.5           | 0.5
            max_packet_size          | 0x100000      | 1048576
            ignore_startup_parameters| ' extra_float_digits , options ,' | extra_float_digits,options
            log_connections          | off           | 0
            server_tls_sslmode       | Verify-Full   | verify-full
            auth_type                | scram-sha-256 | scram-sha-256
            """)
    void setChangesReloadableKeys(String key, String value, String shown) {
        var before = Settings.defaults();
        var after = before.with(key, value);
        assertThat(after.formatted(key)).isEqualTo(shown);
        assertThat(before.formatted(key)).isNotEqualTo(shown);
        assertThat(after.isExplicit(Keys.byName(key).orElseThrow())).isTrue();
    }

    @ParameterizedTest(name = "SET {0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            listen_port       | 7000    | listen_port: cannot be changed at run time (restart needed)
            unix_socket_dir   | /run    | unix_socket_dir: cannot be changed at run time (restart needed)
            pkt_buf           | 8192    | pkt_buf: cannot be changed at run time (restart needed)
            no_such_key       | 1       | unknown parameter: no_such_key
            default_pool_size | abc     | default_pool_size: "abc" (expected: an integer 0..10000)
            default_pool_size | -1      | default_pool_size: "-1" (expected: an integer 0..10000)
            default_pool_size | 1e3     | default_pool_size: "1e3" (expected: an integer 0..10000)
            default_pool_size | 099     | default_pool_size: "099" (expected: an integer 0..10000)
            query_timeout     | 1,5     | query_timeout: "1,5" (expected: seconds >= 0, fractions allowed, e.g. 0.5)
            query_timeout     | NaN     | query_timeout: "NaN" (expected: seconds >= 0, fractions allowed, e.g. 0.5)
            query_timeout     | 1e20    | query_timeout: "1e20" (expected: seconds >= 0, fractions allowed, e.g. 0.5)
            auth_type         | ldap    | auth_type: "ldap" (expected: trust, any, plain, md5, scram-sha-256, \
            cert or hba; ldap is not supported by Tidepool)
            """)
    void setRefusesWithTheReason(String key, String value, String message) {
        assertThatThrownBy(() -> Settings.defaults().with(key, value)).isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void secretsAreNeverPrinted() {
        var s = Settings.defaults().with("auth_ldap_options", "ldapbindpasswd=hunter2");
        assertThat(s.get(Keys.AUTH_LDAP_OPTIONS)).isEqualTo("ldapbindpasswd=hunter2");
        assertThat(s.formatted("auth_ldap_options")).isEmpty();
        assertThat(s.toString()).doesNotContain("hunter2");
    }

    @Test
    void typedValuesAndDefaults() {
        var s = Settings.defaults();
        assertThat(s.get(Keys.POOL_MODE)).isEqualTo(PoolMode.SESSION);
        assertThat(s.get(Keys.AUTH_TYPE)).isEqualTo(AuthType.MD5);
        assertThat(s.get(Keys.QUERY_WAIT_TIMEOUT)).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.get(Keys.MAX_PACKET_SIZE)).isEqualTo(1073741822);
        assertThat(s.formatted("unix_socket_mode")).isEqualTo("0777");
        assertThat(s.formatted("server_check_query")).isEqualTo("<empty>");
        assertThat(s.get(Keys.TRACK_EXTRA_PARAMETERS)).containsExactly("IntervalStyle");
        assertThat(s.with("query_wait_timeout", "0.000001").get(Keys.QUERY_WAIT_TIMEOUT))
                .isEqualTo(Duration.ofNanos(1000));
        assertThat(s.with("default_pool_size", "20")).isEqualTo(s);
    }

    @Test
    void databaseEntryHidesItsPassword() {
        var config = ConfigLoader.parse("[databases]\napp = host=pg1 user=app password='s3cr''et'\n[pgbouncer]\n",
                Path.of("t.ini"));
        var app = config.databases().get("app");
        assertThat(app.password()).isEqualTo("s3cr'et");
        assertThat(app.toString()).doesNotContain("s3cr").contains("password=(hidden)");
    }
}
