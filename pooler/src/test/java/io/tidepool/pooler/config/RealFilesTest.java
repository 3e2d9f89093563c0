package io.tidepool.pooler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Whole real-world files: Debian's pgbouncer.ini as shipped, with its examples enabled, and every key set. */
class RealFilesTest {
    private static final Pattern COMMENTED_EXAMPLE = Pattern.compile("(?m)^;([A-Za-z0-9_*]+ =( .*)?)$");

    static Path resource(String name) throws URISyntaxException {
        return Path.of(RealFilesTest.class.getResource("/config/" + name).toURI());
    }

    @Test
    void debianPackageFileLoadsWithPgBouncerDefaults() throws Exception {
        var path = resource("debian-pgbouncer.ini");
        var config = ConfigLoader.load(path);

        assertThat(config.warnings()).isEmpty();
        assertThat(config.databases()).isEmpty();
        assertThat(config.users()).isEmpty();
        var explicit = Map.of("logfile", "/var/log/postgresql/pgbouncer.log",
                "pidfile", "/var/run/postgresql/pgbouncer.pid", "listen_addr", "localhost", "listen_port", "6432",
                "unix_socket_dir", "/var/run/postgresql", "auth_type", "md5",
                "auth_file", "/etc/pgbouncer/userlist.txt", "conffile", path.toString());
        for (var key : Keys.all()) {
            var expected = explicit.getOrDefault(key.name(), key.formatUnchecked(key.defaultValue()));
            assertThat(config.settings().formatted(key.name())).as(key.name()).isEqualTo(expected);
        }
    }

    /**
     * The Debian file's commented-out lines ({@code ;key = value}) are PgBouncer's own documented examples; enabled
     * all at once they must load too (service_name is Windows-only in PgBouncer, so it is an unknown key here, and
     * the example's max_packet_size = 2147483647 is above PostgreSQL's limit: two warnings, no error).
     */
    @Test
    void debianPackageFileLoadsWithEveryExampleEnabled() throws Exception {
        var path = resource("debian-pgbouncer.ini");
        var text = COMMENTED_EXAMPLE.matcher(Files.readString(path)).replaceAll("$1");

        var config = ConfigLoader.parse(text, path);

        assertThat(config.warnings()).hasSize(2);
        assertThat(config.warnings().get(0)).endsWith(":359: unknown parameter: pgbouncer/service_name (ignored)");
        assertThat(config.warnings().get(1)).contains("max_packet_size: 2147483647 is above PostgreSQL's own limit");
        assertThat(config.databases().keySet()).containsExactly("foodb", "bardb", "forcedb", "nondefaultdb", "*");
        var forced = config.databases().get("forcedb");
        assertThat(forced.port()).isEqualTo(300);
        assertThat(forced.user()).isEqualTo("baz");
        assertThat(forced.password()).isEqualTo("foo");
        assertThat(forced.connectQuery()).isEqualTo("SELECT 1");
        assertThat(forced.toString()).doesNotContain("foo,").contains("password=(hidden)");
        assertThat(config.databases().get("nondefaultdb").reservePool()).isEqualTo(10);
        assertThat(config.users().get("user1").maxUserConnections()).isEqualTo(10);
        assertThat(config.settings().get(Keys.ADMIN_USERS)).containsExactly("user2", "someadmin", "otheradmin");
        assertThat(config.settings().formatted("client_tls_ca_file")).isEqualTo("<system default>");
        assertThat(config.settings().get(Keys.MAX_PACKET_SIZE)).isEqualTo(Integer.MAX_VALUE);
    }

    /** Each value in every-key.ini is written as SHOW CONFIG prints it, so parse + format must give it back. */
    @Test
    void everyKeyRoundTripsThroughParseAndFormat() throws Exception {
        var path = resource("every-key.ini");
        var written = new HashMap<String, String>();
        for (var line : Files.readAllLines(path)) {
            var eq = line.indexOf(" = ");
            if (eq > 0 && !line.startsWith(";")) {
                written.put(line.substring(0, eq), line.substring(eq + 3));
            }
        }
        var config = ConfigLoader.load(path);

        assertThat(written.keySet()).as("every key of Keys.all() is set in every-key.ini")
                .containsExactlyInAnyOrderElementsOf(Keys.all().stream().map(Setting::name).toList());
        assertThat(config.warnings()).isEmpty();
        for (var key : Keys.all()) {
            var value = key.secret() ? "" : written.get(key.name());
            assertThat(config.settings().formatted(key.name())).as(key.name()).isEqualTo(value);
            assertThat(config.settings().get(key)).as(key.name() + " differs from its default")
                    .isNotEqualTo(key.defaultValue());
        }
    }

}
