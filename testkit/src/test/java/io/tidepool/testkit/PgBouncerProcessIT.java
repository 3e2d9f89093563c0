package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresLogOnFailure.class)
class PgBouncerProcessIT {

    @Test
    void forwardsQueriesToThePrimaryInTransactionMode() throws Exception {
        PostgresNode primary = SharedPostgres.primary();
        try (var bouncer = PgBouncerProcess.builder().database("postgres", primary).poolMode("transaction")
                .defaultPoolSize(2).start()) {
            assertThat(bouncer.port()).isNotEqualTo(primary.port());
            try (Connection connection = bouncer.connect("postgres", "postgres");
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select current_setting('port'), 6 * 7")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(primary.port());
                assertThat(rows.getInt(2)).isEqualTo(42);
            }
            assertThat(Psql.query(bouncer.target("postgres", "postgres"), "select 'via psql'")).isEqualTo("via psql");
            assertThat(bouncer.admin("show pools")).contains("postgres|postgres");
            assertThat(bouncer.admin("show config")).contains("pool_mode|transaction");
            assertThat(bouncer.logTail(50)).contains("login attempt: db=postgres user=postgres");
        }
    }

    @Test
    void checksPasswordsFromItsAuthFileAndStopsOnClose() throws Exception {
        PostgresCluster cluster = SharedPostgres.get();
        cluster.createUser("bouncer_bob", "bob-pw");
        var bouncer = PgBouncerProcess.builder().database("postgres", cluster.primary()).authType("md5")
                .user("bouncer_bob", "bob-pw").start();
        try (bouncer) {
            try (Connection bob = bouncer.connect("bouncer_bob", "postgres", "bob-pw")) {
                assertThat(bob.isValid(5)).isTrue();
            }
            assertThatThrownBy(() -> bouncer.connect("bouncer_bob", "postgres", "wrong").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
        assertThat(bouncer.isAlive()).isFalse();
        assertThat(PortAllocator.isListening(bouncer.port())).isFalse();
        assertThat(Files.exists(bouncer.directory())).isFalse();
    }
}
