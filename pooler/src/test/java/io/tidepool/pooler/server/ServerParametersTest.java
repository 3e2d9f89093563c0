package io.tidepool.pooler.server;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-link shortcut: a remembered match holds only for the same instance and until anything changes. */
class ServerParametersTest {
    private final Map<String, String> utc = Map.of("timezone", "UTC", "application_name", "app");

    private ServerParameters server() {
        ServerParameters server = new ServerParameters();
        server.reported("TimeZone", "UTC");
        server.reported("application_name", "app");
        return server;
    }

    @Test
    void aRememberedMatchIsRecognisedByReference() {
        ServerParameters server = server();
        assertThat(server.knownToMatch(utc)).isFalse();
        assertThat(ParameterSync.plan(utc, server)).isNull();
        server.matched(utc);
        assertThat(server.knownToMatch(utc)).isTrue();
        assertThat(server.knownToMatch(new java.util.HashMap<>(utc))).as("an equal map that is another instance").isFalse();
    }

    @Test
    void everyChangeForgetsTheMatch() {
        ServerParameters server = server();
        server.matched(utc);
        server.reported("TimeZone", "Europe/Paris");            // the client ran SET TimeZone
        assertThat(server.knownToMatch(utc)).isFalse();
        assertThat(ParameterSync.plan(utc, server)).isNotNull();

        server.matched(utc);
        server.applied("search_path", "a");
        assertThat(server.knownToMatch(utc)).isFalse();
        server.matched(utc);
        server.reset("search_path");
        assertThat(server.knownToMatch(utc)).isFalse();
        server.matched(utc);
        server.forgetApplied();
        assertThat(server.knownToMatch(utc)).isFalse();
    }
}
