package io.tidepool.pooler.it;

import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * auth_query + auth_user against {@link AuthCluster} (RELIABILITY case 22): a user known only to PostgreSQL logs in
 * (SCRAM, then pass-through to a server that requires SCRAM); unknown users, users without a password, expired
 * passwords and hostile user names fail as a wrong password does, never as auth_user (CVE-2015-6817); a query
 * answering two rows is refused; and the client's search_path/application_name never reach the lookup connection
 * (CVE-2025-12819), observed by an auth_query that records {@code current_setting} on the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class AuthQueryIT {
    private AuthCluster auth;
    private TidepoolFixture pooler;

    @BeforeAll
    void start() throws SQLException {
        auth = AuthCluster.get();
        // Many failures come from 127.0.0.1 here; LoginDefencesIT covers the growing delay.
        System.setProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY, "0");
        try (Connection c = auth.node.connect("postgres", "authdb"); Statement s = c.createStatement()) {
            s.execute("create table if not exists public.tp_auth_seen (search_path text, app text, guc text)");
            s.execute("""
                    create or replace function public.tp_auth_lookup(name text) returns table (u text, p text)
                    language sql as $$
                      insert into public.tp_auth_seen values (current_setting('search_path'),
                          current_setting('application_name'), current_setting('tp.evil', true));
                      select rolname::text, rolpassword from pg_catalog.pg_authid
                      where rolname = name and rolcanlogin
                        and (rolvaliduntil is null or rolvaliduntil > pg_catalog.now())
                    $$""");
        }
        pooler = builder("select u, p from public.tp_auth_lookup($1)").start();
    }

    private TidepoolFixture.Builder builder(String authQuery) {
        return TidepoolFixture.builder(auth.node)
                .rawDatabase("authdb", auth.authdbEntry())
                .set("auth_type", "scram-sha-256")
                .set("auth_user", "postgres")
                .set("auth_query", authQuery)
                .set("client_login_timeout", 10);          // many failures from 127.0.0.1 here; LoginGuardIT covers it
    }

    @AfterAll
    void stop() {
        System.clearProperty(io.tidepool.pooler.client.LoginGuard.DELAY_PROPERTY);
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void userKnownOnlyThroughAuthQueryLogsInWithPassThrough() throws SQLException {
        try (Connection c = AuthCluster.through(pooler, "aquser", AuthCluster.AQ_PW).connect();
             ResultSet rs = c.createStatement().executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("aquser");
        }
    }

    @Test
    void everyNonAnswerFailsLikeAWrongPasswordAndNeverAsAuthUser() {
        List<String> users = List.of("ghost", "nopass", "expired", "o'brien", "back\\slash", "$1", "postgres' --");
        List<String> outcomes = new ArrayList<>();
        for (String user : users) {
            for (String password : new String[] {"x", AuthCluster.EXPIRED_PW}) {
                PgTarget target = AuthCluster.through(pooler, user, password);
                assertThatThrownBy(() -> target.connect().close()).as(user)
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            outcomes.add(user + ": " + e.getSQLState());
                            assertThat(e.getSQLState()).as(user + " " + e.getMessage()).isEqualTo("28P01");
                            assertThat(e.getMessage()).contains("password authentication failed for user");
                        });
            }
        }
        System.out.println("auth_query refusals: " + outcomes);
        assertThat(pooler.logs().lines()).noneMatch(line -> line.contains("auth_query failed"));
    }

    @Test
    void wrongPasswordOfAnAuthQueryUserIs28P01() {
        assertThatThrownBy(() -> AuthCluster.through(pooler, "aquser", "nope").connect().close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void twoRowsAreRefused() {
        try (TidepoolFixture twice = builder("select rolname, rolpassword from pg_authid where rolname = $1 "
                + "union all select rolname, rolpassword from pg_authid where rolname = $1").start()) {
            assertThatThrownBy(() -> AuthCluster.through(twice, "aquser", AuthCluster.AQ_PW).connect().close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            assertThat(twice.logs().lines()).anyMatch(line -> line.contains("more than one row"));
        }
    }

    @Test
    void clientStartupParametersNeverReachTheLookupConnection() throws SQLException {
        auth.node.execute("select 1");
        try (Connection c = auth.node.connect("postgres", "authdb"); Statement s = c.createStatement()) {
            s.execute("truncate public.tp_auth_seen");
        }
        // A user not yet cached, with a hostile search_path, application_name and custom GUC in the startup packet.
        PgTarget hostile = AuthCluster.through(pooler, "alice", AuthCluster.ALICE_PW)
                .withEnv("PGAPPNAME", "evil-app")
                .withEnv("PGOPTIONS", "-c search_path=evil -c tp.evil=yes");
        try (Connection c = hostile.connect(); ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        } catch (SQLException e) {
            // JDBC does not pass PGOPTIONS; the raw check below covers options either way.
        }
        try (RawClient raw = RawClient.connect(pooler.host(), pooler.port())) {
            raw.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", "bob", "database", "authdb",
                    "application_name", "evil-app", "options", "-c search_path=evil -c tp.evil=yes",
                    "search_path", "evil"));
            raw.untilClosed(java.time.Duration.ofSeconds(3));
        }
        List<String> seen = new ArrayList<>();
        try (Connection c = auth.node.connect("postgres", "authdb");
             ResultSet rs = c.createStatement().executeQuery("select search_path, app, guc from public.tp_auth_seen")) {
            while (rs.next()) {
                seen.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3));
            }
        }
        System.out.println("auth_query connection settings: " + seen);
        assertThat(seen).isNotEmpty();
        assertThat(seen).allSatisfy(row -> {
            assertThat(row).doesNotContain("evil");
            assertThat(row).startsWith("pg_catalog | tidepool auth_query");
        });
    }
}
