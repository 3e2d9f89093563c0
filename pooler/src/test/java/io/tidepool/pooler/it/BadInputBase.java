package io.tidepool.pooler.it;

import io.tidepool.pooler.it.RawClient.Outcome;
import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import io.tidepool.testkit.PostgresNode;
import io.tidepool.testkit.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the bad-input test classes share: one pooler per class in front of the shared PostgreSQL (database entry
 * {@code db} for a database of the class's own), the attack pattern (a {@link Bystander} runs while a {@link
 * RawClient} misbehaves; the outcome, the log line and the bystander are all checked in the same test), and the final
 * check that the pooler still answers and leaked no server connection (issue 2 acceptance, step 7).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PostgresLogOnFailure.class)
abstract class BadInputBase {
    static final Duration CLOSE_WAIT = Duration.ofSeconds(6);

    PostgresNode postgres;
    TidepoolFixture pooler;
    String dbname;

    @BeforeAll
    void startPooler() {
        postgres = SharedPostgres.primary();
        dbname = "it_" + getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        postgres.execute("drop database if exists " + dbname);
        postgres.execute("create database " + dbname);
        pooler = TidepoolFixture.builder(postgres).database("db", dbname).start();
    }

    @AfterAll
    void stopPooler() {
        if (pooler != null) {
            pooler.close();
        }
    }

    PgTarget target() {
        return pooler.target("db");
    }

    RawClient raw() {
        return RawClient.connect(pooler.host(), pooler.port());
    }

    /** A raw client logged in to {@code db}. */
    RawClient loggedIn() {
        RawClient client = raw();
        client.login("postgres", "db");
        return client;
    }

    /**
     * The attack pattern: a bystander queries throughout; {@code attack} gets a fresh raw client; the bystander must
     * be unaffected afterwards.
     */
    void underAttack(Consumer<RawClient> attack) {
        try (Bystander bystander = Bystander.start(target()); RawClient client = raw()) {
            attack.accept(client);
            bystander.assertUnaffected();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** As {@link #underAttack} with a logged-in raw client. */
    void underAttackLoggedIn(Consumer<RawClient> attack) {
        underAttack(client -> {
            client.login("postgres", "db");
            attack.accept(client);
        });
    }

    /** Requires ErrorResponse {@code sqlState} whose message contains {@code text}, then a close. */
    static void assertFatal(Outcome outcome, String sqlState, String text) {
        assertThat(outcome.closed()).as("closed: " + outcome).isTrue();
        assertThat(outcome.sqlState()).as("SQLSTATE: " + outcome).isEqualTo(sqlState);
        assertThat(outcome.errorMessage()).as("message: " + outcome).contains(text);
        assertThat(outcome.error().fields().get('S')).as("severity: " + outcome).isEqualTo("FATAL");
    }

    /** Requires a log line about this connection (by its port) containing {@code text}. */
    void assertLogged(RawClient client, String text) {
        String line = pooler.logs().await(Duration.ofSeconds(5),
                l -> l.contains(client.peer()) && l.contains(text));
        assertThat(line).as("log line with '" + client.peer() + "' and '" + text + "'; lines about it: "
                + pooler.logs().linesWith(client.peer())).isNotNull();
        System.out.println("  logged: " + line);
    }

    /** Runs one query over JDBC through the pooler, returning the first column of the first row. */
    String jdbcQuery(String sql) throws Exception {
        try (Connection c = target().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Backends of the class's database as PostgreSQL sees them (the pooler's server connections). */
    int backendsInPostgres() {
        return Integer.parseInt(postgres.queryString("select count(*) from pg_stat_activity where datname = '"
                + dbname + "'"));
    }

    /**
     * After every attack: the pooler still answers, and every server connection it counts is one PostgreSQL has,
     * idle in the pool: no slot leaked by a rejected client, no backend left linked to a dead one.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void zzPoolerStillServesAndLeakedNoServerConnection() throws Exception {
        assertThat(jdbcQuery("select 40 + 2")).isEqualTo("42");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> servers = pooler.servers();
        while (System.nanoTime() < deadline) {
            servers = pooler.servers();
            if (servers.stream().allMatch(s -> s.endsWith(" IDLE")) && servers.size() == pooler.serverSlots()
                    && servers.size() == backendsInPostgres() && pooler.clientCount() == 0
                    && pooler.tidepool().pools().limits().clientCount() == 0) {
                break;
            }
            Thread.sleep(100);
        }
        System.out.println(getClass().getSimpleName() + ": servers after all attacks: " + servers + "; slots="
                + pooler.serverSlots() + "; backends in PostgreSQL=" + backendsInPostgres() + "; clients="
                + pooler.clientCount() + "; client slots=" + pooler.tidepool().pools().limits().clientCount());
        assertThat(servers).as("server states").allMatch(s -> s.endsWith(" IDLE"));
        assertThat(pooler.serverSlots()).as("slots vs servers " + servers).isEqualTo(servers.size());
        assertThat(backendsInPostgres()).as("PostgreSQL backends vs servers " + servers).isEqualTo(servers.size());
        assertThat(pooler.clientCount()).as("clients left in pools").isZero();
        assertThat(pooler.tidepool().pools().limits().clientCount()).as("max_client_conn slots in use").isZero();
    }
}
