package io.tidepool.pooler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** RELOAD: what changed, what pools must do, and which settings keep their old value until a restart. */
class ConfigDiffTest {
    private static final String OLD = """
            [databases]
            same = host=pg1
            resized = host=pg1 pool_size=10
            moved = host=pg1 port=5432
            gone = host=pg1
            [users]
            alice = pool_size=3
            [pgbouncer]
            listen_port = 6432
            unix_socket_dir = /tmp
            default_pool_size = 20
            query_timeout = 0
            [vrrp]
            priority = 100
            [metrics]
            listen = 127.0.0.1:9127
            """;
    private static final String NEW = """
            [databases]
            same = host=pg1
            resized = host=pg1 pool_size=12
            moved = host=pg2 port=5432
            fresh = host=pg3
            [users]
            alice = pool_size=4
            bob = pool_mode=transaction
            [pgbouncer]
            listen_port = 7432
            unix_socket_dir = /run/tidepool
            default_pool_size = 25
            query_timeout = 30
            [vrrp]
            priority = 150
            [metrics]
            listen = 127.0.0.1:9127
            """;

    private static Config parse(String text) {
        return ConfigLoader.parse(text, Path.of("/etc/tidepool/tidepool.ini"));
    }

    @Test
    void reportsDatabasesUsersSettingsAndSections() {
        var diff = ConfigDiff.between(parse(OLD), parse(NEW));

        assertThat(diff.addedDatabases()).containsExactly("fresh");
        assertThat(diff.removedDatabases()).containsExactly("gone");
        assertThat(diff.changedDatabases()).containsExactlyInAnyOrder("resized", "moved");
        assertThat(diff.reconnectDatabases()).containsExactly("moved");
        assertThat(diff.changedUsers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(diff.changedSettings()).containsExactly(Keys.DEFAULT_POOL_SIZE, Keys.QUERY_TIMEOUT);
        assertThat(diff.restartNeeded()).containsExactly(Keys.LISTEN_PORT, Keys.UNIX_SOCKET_DIR);
        assertThat(diff.changedSections()).containsExactly("vrrp");
        assertThat(diff.isEmpty()).isFalse();
    }

    @Test
    void restartOnlyKeysKeepTheirOldValueWithAWarning() {
        var diff = ConfigDiff.between(parse(OLD), parse(NEW));
        var effective = diff.effective().settings();

        assertThat(effective.get(Keys.LISTEN_PORT)).isEqualTo(6432);
        assertThat(effective.get(Keys.UNIX_SOCKET_DIR)).isEqualTo("/tmp");
        assertThat(effective.get(Keys.DEFAULT_POOL_SIZE)).isEqualTo(25);
        assertThat(diff.effective().databases()).containsKey("fresh");
        assertThat(diff.warnings()).containsExactly(
                "listen_port: changed from \"6432\" to \"7432\" in /etc/tidepool/tidepool.ini; this needs a restart, "
                        + "keeping \"6432\"",
                "unix_socket_dir: changed from \"/tmp\" to \"/run/tidepool\" in /etc/tidepool/tidepool.ini; this "
                        + "needs a restart, keeping \"/tmp\"");
        // reloading the same file again then sees only the restart keys still pending
        var again = ConfigDiff.between(diff.effective(), parse(NEW));
        assertThat(again.changedSettings()).isEmpty();
        assertThat(again.restartNeeded()).containsExactly(Keys.LISTEN_PORT, Keys.UNIX_SOCKET_DIR);
    }

    @Test
    void identicalFilesDiffToNothing() {
        assertThat(ConfigDiff.between(parse(OLD), parse(OLD)).isEmpty()).isTrue();
    }
}
