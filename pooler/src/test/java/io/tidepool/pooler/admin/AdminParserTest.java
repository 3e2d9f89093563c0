package io.tidepool.pooler.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PgBouncer's console grammar; RELIABILITY cases 62 (one statement only) and 65 (bad input). */
class AdminParserTest {
    @Test
    void parsesCommandsCaseInsensitively() {
        assertThat(AdminParser.parse("show pools")).isEqualTo(new AdminCommand.Show(ShowCommand.POOLS));
        assertThat(AdminParser.parse("  SHOW\tStats_Totals ;  ")).isEqualTo(
                new AdminCommand.Show(ShowCommand.STATS_TOTALS));
        assertThat(AdminParser.parse("select version")).isEqualTo(new AdminCommand.Show(ShowCommand.VERSION));
        assertThat(AdminParser.parse("PAUSE")).isEqualTo(new AdminCommand.Pause(null));
        assertThat(AdminParser.parse("pause \"my db\"")).isEqualTo(new AdminCommand.Pause("my db"));
        assertThat(AdminParser.parse("KILL_CLIENT 42")).isEqualTo(new AdminCommand.KillClient("42"));
        assertThat(AdminParser.parse("shutdown wait_for_clients")).isEqualTo(
                new AdminCommand.Shutdown(AdminCommand.ShutdownMode.WAIT_FOR_CLIENTS));
        assertThat(AdminParser.parse("SET default_pool_size = 30")).isEqualTo(
                new AdminCommand.Set("default_pool_size", "30"));
        assertThat(AdminParser.parse("set server_reset_query to 'DISCARD ''ALL'''")).isEqualTo(
                new AdminCommand.Set("server_reset_query", "DISCARD 'ALL'"));
        assertThat(AdminParser.parse("SHOW client_encoding")).isInstanceOf(AdminCommand.FakeShow.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHOW POOLS; SHUTDOWN", "SHOW POOLS;SHUTDOWN;", "SHOW/**/POOLS;KILL x",
            "SHOW POOLS -- ; SHUTDOWN", "SHOW POOLS;;", "SHOW", "SHOW NOPE", "BEGIN", "COPY x FROM stdin",
            "SELECT 1 + 1", "RELOAD now", "SHUTDOWN NOW", "SET x", "SET x = ", "SET = 1", "SHOW POOLS x y",
            "SHOW 'POOLS'", "SHOW \"unterminated", "PAUSE $1"})
    void refusesEverythingElseWholly(String query) {
        assertThatThrownBy(() -> AdminParser.parse(query)).isInstanceOf(AdminException.class)
                .hasMessageContaining("invalid command");
    }

    @Test
    void refusesOversizedInputWithoutScanningIt() {
        String huge = "SHOW " + "x".repeat(1 << 20);
        assertThatThrownBy(() -> AdminParser.parse(huge)).isInstanceOf(AdminException.class)
                .hasMessageContaining("too long");
        assertThatThrownBy(() -> AdminParser.parse("PAUSE " + "d".repeat(65))).hasMessage("bad arguments");
    }

    @Test
    void onlyShowIsReadOnly() {
        for (String query : new String[] {"PAUSE", "RESUME", "SUSPEND", "KILL db", "KILL_CLIENT 1", "RECONNECT",
                "DISABLE db", "ENABLE db", "RELOAD", "SET a = 1", "SHUTDOWN", "WAIT_CLOSE", "SHOW FDS"}) {
            assertThat(AdminParser.parse(query).needsAdmin()).as(query).isTrue();
        }
        assertThat(AdminParser.parse("SHOW POOLS").needsAdmin()).isFalse();
    }
}
