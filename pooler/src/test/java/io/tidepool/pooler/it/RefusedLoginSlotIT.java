package io.tidepool.pooler.it;

import io.tidepool.pooler.it.RawClient.Outcome;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * max_client_conn stays exact when logins are refused before they take a slot: a client refused by
 * client_tls_sslmode = require ("SSL required", 28000) never held one, so its leaving must not give one back. The bug
 * this guards against let the global count drift one below the truth per refusal, so that after N refusals the
 * pooler admitted max_client_conn + N clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class RefusedLoginSlotIT {
    private static final int MAX_CLIENTS = 3;
    private static final int REFUSALS = 4;

    private PostgresNode postgres;

    @BeforeAll
    void database() {
        postgres = SharedPostgres.primary();
        postgres.execute("drop database if exists it_slots");
        postgres.execute("create database it_slots");
    }

    @Test
    void sslRequiredRefusalsLeaveMaxClientConnExact() throws SQLException {
        TestCerts certs = TestCerts.create();
        try (TidepoolFixture pooler = TidepoolFixture.builder(postgres).database("db", "it_slots")
                .set("max_client_conn", MAX_CLIENTS).set("client_tls_sslmode", "require")
                .set("client_tls_cert_file", certs.serverCert).set("client_tls_key_file", certs.serverKey).start()) {
            for (int i = 0; i < REFUSALS; i++) {
                try (RawClient plain = RawClient.connect(pooler.host(), pooler.port())) {
                    plain.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "postgres", "database", "db"));
                    Outcome outcome = plain.untilClosed(Duration.ofSeconds(10));
                    BadInputBase.assertFatal(outcome, "28000", "SSL required");
                }
            }
            assertThat(pooler.tidepool().pools().limits().clientCount()).as("slots in use after %d refusals", REFUSALS)
                    .isZero();
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_CLIENTS; i++) {
                    Connection c = pooler.target("db").withEnv("PGSSLMODE", "require").connect();
                    open.add(c);
                    try (var statement = c.createStatement(); var rs = statement.executeQuery("select 1")) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                assertThat(pooler.tidepool().pools().limits().clientCount()).isEqualTo(MAX_CLIENTS);
                assertThatThrownBy(() -> pooler.target("db").withEnv("PGSSLMODE", "require").connect().close())
                        .as("client %d of max_client_conn = %d", MAX_CLIENTS + 1, MAX_CLIENTS)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
        }
    }
}
