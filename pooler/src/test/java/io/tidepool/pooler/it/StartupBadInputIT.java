package io.tidepool.pooler.it;

import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.RawClient.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;

import static io.tidepool.pooler.it.RawClient.PROTOCOL_3_0;
import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.RawClient.cstring;
import static io.tidepool.pooler.it.RawClient.int32;
import static io.tidepool.pooler.it.RawClient.startup;
import static io.tidepool.pooler.it.RawClient.untyped;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input before and during the startup packet (RELIABILITY §4 cases 1–6, 8–10 and the startup items of issue 2's
 * bad-input list), from a raw socket, each checked for its SQLSTATE or close, its log line, and an unaffected
 * bystander.
 */
class StartupBadInputIT extends BadInputBase {

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 7, 0xFFFFFFFF, 0x80000000})
    void case01StartupLengthBelowMinimumOrNegative(int length) {
        underAttack(client -> {
            client.send(int32(length));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertFatal(outcome, "08P01", "invalid length of startup packet");
            assertLogged(client, "invalid length of startup packet");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {10001, 65536, Integer.MAX_VALUE})
    void case02OversizedStartupRejectedOnHeader(int length) {
        underAttack(client -> {
            client.send(int32(length), int32(PROTOCOL_3_0));      // 8 bytes of a declared 'length'
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            // Not the login timeout (2 s): the header alone decided.
            assertFatal(outcome, "08P01", "invalid length of startup packet: " + length);
            System.out.printf("case 2: declared %d, rejected after %d ms%n", length, outcome.millis());
            assertLogged(client, "invalid length of startup packet");
        });
    }

    @Test
    void case03aHalfStartupThenStallClosedAtClientLoginTimeout() {
        underAttack(client -> {
            byte[] packet = padded(200);
            client.send(java.util.Arrays.copyOf(packet, 100));
            Outcome outcome = client.untilClosed(Duration.ofSeconds(8));
            assertFatal(outcome, "08P01", "client_login_timeout");
            System.out.printf("case 3a: half a startup packet closed after %d ms (client_login_timeout = 2 s)%n",
                    outcome.millis());
            assertLogged(client, "client_login_timeout");
        });
    }

    @Test
    void case03bHalfStartupThenFinCleanClose() {
        underAttack(client -> {
            client.send(java.util.Arrays.copyOf(padded(200), 100));
            client.shutdownOutput();
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertThat(outcome.closed()).as(outcome.toString()).isTrue();
            assertThat(outcome.millis()).as("closed on the FIN, not at the login timeout").isLessThan(1500);
            assertLogged(client, "clos");
        });
    }

    @Test
    void case03cHalfStartupThenRst() {
        underAttack(client -> {
            client.send(java.util.Arrays.copyOf(padded(200), 100));
            RawClient.sleep(Duration.ofMillis(50));
            String peer = client.peer();
            client.reset();
            String line = pooler.logs().await(Duration.ofSeconds(5), l -> l.contains(peer) && l.contains("clos"));
            assertThat(line).as("log line about " + peer + ": " + pooler.logs().linesWith(peer)).isNotNull();
        });
    }

    @Test
    void case03dStartupOneByteAtATimeSucceeds() {
        underAttack(client -> {
            client.sendSplit(startup(PROTOCOL_3_0, "user", "postgres", "database", "db"), 1);
            List<Message> login = client.untilReady(Duration.ofSeconds(10));
            assertThat(login).noneMatch(m -> m.type() == 'E');
            List<Message> reply = client.query("select 'byte by byte'");
            assertThat(new String(reply.get(1).body(), StandardCharsets.UTF_8)).endsWith("byte by byte");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "user\0postgres\0",                          // no terminating NUL of the list
        "user\0postgres\0database\0",                // key without value
        "user\0postgres",                            // unterminated string
        "user\0postgres\0\0garbage",                 // bytes after the terminator
        "user\0postgres\0\u00ff\u00fe\0v\0\0",       // not a parameter name (non-UTF-8 bytes, see below)
        "user\0postgres\0bad name\0v\0\0",           // not a GUC name
    })
    void case04MalformedStartupBody(String body) {
        // ISO-8859-1 keeps \u00ff\u00fe as the raw bytes 0xff 0xfe: invalid UTF-8.
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        underAttack(client -> {
            client.send(untyped(PROTOCOL_3_0, bytes));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertFatal(outcome, "08P01", "");
            System.out.println("case 4: " + HexFormat.of().formatHex(bytes) + " -> " + outcome.errorMessage());
            assertLogged(client, "closing because");
        });
    }

    @Test
    void case04StartupWithoutUser() {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "database", "db"));
            assertFatal(client.untilClosed(CLOSE_WAIT), "28000", "no PostgreSQL user name specified");
            assertLogged(client, "no PostgreSQL user name specified");
        });
    }

    @Test
    void case05ThousandSmallParametersWithinTheLimit() {
        List<String> words = new ArrayList<>(List.of("user", "postgres", "database", "db"));
        for (int i = 0; i < 1000; i++) {
            words.add("x.p" + i);
            words.add("v");
        }
        byte[] packet = startup(PROTOCOL_3_0, words.toArray(String[]::new));
        assertThat(packet.length).isLessThanOrEqualTo(10000);
        underAttack(client -> {
            client.send(packet);
            List<Message> login = client.untilReady(Duration.ofSeconds(10));
            assertThat(login).noneMatch(m -> m.type() == 'E');
            List<Message> reply = client.query("select current_setting('x.p999') || current_setting('x.p0')");
            assertThat(reply).as(reply.toString()).noneMatch(m -> m.type() == 'E');
            assertThat(new String(reply.get(1).body(), StandardCharsets.UTF_8)).endsWith("vv");
        });
    }

    @Test
    void case05TenThousandParametersOverTheLimitRejectedOnHeader() {
        List<String> words = new ArrayList<>(List.of("user", "postgres", "database", "db"));
        for (int i = 0; i < 10_000; i++) {
            words.add("x.p" + i);
            words.add("v");
        }
        byte[] packet = startup(PROTOCOL_3_0, words.toArray(String[]::new));
        underAttack(client -> {
            client.trySend(packet);
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertFatal(outcome, "08P01", "invalid length of startup packet: " + packet.length);
            assertLogged(client, "invalid length of startup packet");
        });
    }

    @Test
    void case05DuplicateUser() {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "user", "postgres", "database", "db", "user", "mallory"));
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "given twice");
            assertLogged(client, "given twice");
        });
    }

    @Test
    void case05DatabaseNameOf64KilobytesRejectedOnHeader() {
        underAttack(client -> {
            client.trySend(startup(PROTOCOL_3_0, "user", "postgres", "database", "d".repeat(65536)));
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "invalid length of startup packet");
            assertLogged(client, "invalid length of startup packet");
        });
    }

    @Test
    void case05DatabaseNameOver63BytesWithinTheLimit() {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "user", "postgres", "database", "d".repeat(100)));
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "database name too long");
            assertLogged(client, "database name too long");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"-c=", "-c", "--=x", "-c=" + "-c=-c=-c=-c=-c=-c=-c=-c=-c=-c=", "-d 5"})
    void case05BadOptionsRejected(String options) {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "user", "postgres", "database", "db", "options", options));
            assertFatal(client.untilClosed(CLOSE_WAIT), "0A000", "unsupported options startup parameter");
            assertLogged(client, "unsupported options startup parameter");
        });
    }

    @Test
    void case05OptionsSearchPathApplied() {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "user", "postgres", "database", "db",
                    "options", "-c search_path=public"));
            assertThat(client.untilReady(Duration.ofSeconds(10))).noneMatch(m -> m.type() == 'E');
            List<Message> reply = client.query("show search_path");
            assertThat(reply).as(reply.toString()).anyMatch(m -> m.type() == 'D'
                    && new String(m.body(), StandardCharsets.UTF_8).endsWith("public")
                    && !new String(m.body(), StandardCharsets.UTF_8).contains("$user"));
        });
    }

    @Test
    void case05UnknownParameterFailsAtFirstQueryWithoutHang() {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "user", "postgres", "database", "db", "no_such_guc", "1"));
            List<Message> login = client.untilReady(Duration.ofSeconds(10));
            // PostgreSQL refuses at login (42704); Tidepool's login completes from the pool's cached parameters and
            // the server's refusal arrives at the first query: relayed as FATAL, then the close.
            Outcome outcome;
            if (login.stream().anyMatch(m -> m.type() == 'E')) {
                outcome = new Outcome(login, true, 0);
            } else {
                client.send(RawClient.message('Q', cstring("select 1")));
                outcome = client.untilClosed(CLOSE_WAIT);
            }
            assertFatal(outcome, "42704", "no_such_guc");
            assertLogged(client, "no_such_guc");
        });
    }

    @Test
    void case05PqOptionListedInNegotiateProtocolVersionLikePostgres() {
        String[] words = {"user", "postgres", "database", "db", "_pq_.foo", "1"};
        byte[] packet = startup(PROTOCOL_3_0, words);
        Message fromPostgres = firstReplyFromPostgres(PROTOCOL_3_0, words);
        underAttack(client -> {
            client.send(packet);
            List<Message> login = client.untilReady(Duration.ofSeconds(10));
            Message negotiate = login.getFirst();
            System.out.println("case 5: _pq_.foo: PostgreSQL " + fromPostgres.hex() + ", Tidepool " + negotiate.hex());
            assertThat(negotiate.hex()).as("NegotiateProtocolVersion, as PostgreSQL 15 sends it")
                    .isEqualTo(fromPostgres.hex());
            assertThat(login).filteredOn(m -> m.type() == 'v').hasSize(1);
            assertThat(client.query("select 1")).noneMatch(m -> m.type() == 'E');
        });
    }

    @Test
    void case05ReplicationConnectionRefused() {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "user", "postgres", "database", "db", "replication", "database"));
            assertFatal(client.untilClosed(CLOSE_WAIT), "0A000", "replication");
            assertLogged(client, "replication");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {2 << 16, 4 << 16, (1234 << 16) | 5681})
    void case06UnsupportedProtocolVersionRejected(int version) {
        underAttack(client -> {
            client.send(startup(version, "user", "postgres", "database", "db"));
            assertFatal(client.untilClosed(CLOSE_WAIT), "0A000", "unsupported frontend protocol");
            assertLogged(client, "unsupported frontend protocol");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 99})
    void case06Protocol3MinorVersionsNegotiatedOnceLikePostgres(int minor) {
        byte[] packet = startup((3 << 16) | minor, "user", "postgres", "database", "db");
        Message fromPostgres = firstReplyFromPostgres((3 << 16) | minor, "user", "postgres", "database", "db");
        underAttack(client -> {
            client.send(packet);
            List<Message> login = client.untilReady(Duration.ofSeconds(10));
            assertThat(login).noneMatch(m -> m.type() == 'E');
            Message first = login.getFirst();
            System.out.printf("case 6: 3.%d: PostgreSQL first reply %s, Tidepool %s%n", minor, fromPostgres.hex(),
                    first.hex());
            if (minor == 0) {
                assertThat(login).noneMatch(m -> m.type() == 'v');
            } else {
                assertThat(login).filteredOn(m -> m.type() == 'v').hasSize(1);
                assertThat(first.hex()).as("NegotiateProtocolVersion bytes, as PostgreSQL 15 sends them")
                        .isEqualTo(fromPostgres.hex());
            }
            assertThat(client.query("select 1")).noneMatch(m -> m.type() == 'E');
        });
    }

    @Test
    void case07SslRequestTwice() {
        underAttack(client -> {
            client.send(RawClient.sslRequest());
            assertThat(client.readByte(Duration.ofSeconds(5))).isEqualTo('N');
            client.send(RawClient.sslRequest());
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "duplicate SSLRequest");
            assertLogged(client, "duplicate SSLRequest");
        });
    }

    @Test
    void case08SslRequestAndPlaintextStartupInOneWrite() {
        underAttack(client -> {
            client.send(concat(RawClient.sslRequest(), startup(PROTOCOL_3_0, "user", "postgres", "database", "db")));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertFatal(outcome, "08P01", "received unencrypted data after SSL request");
            assertLogged(client, "received unencrypted data after SSL request");
        });
    }

    @Test
    void case08GssencRequestAndPlaintextStartupInOneWrite() {
        underAttack(client -> {
            client.send(concat(RawClient.gssencRequest(), startup(PROTOCOL_3_0, "user", "postgres")));
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "received unencrypted data after GSSAPI");
            assertLogged(client, "received unencrypted data");
        });
    }

    @Test
    void case09GssencThenSslThenStartupWorks() {
        underAttack(client -> {
            client.send(RawClient.gssencRequest());
            assertThat(client.readByte(Duration.ofSeconds(5))).isEqualTo('N');
            client.send(RawClient.sslRequest());
            assertThat(client.readByte(Duration.ofSeconds(5))).isEqualTo('N');
            client.login("postgres", "db");
            assertThat(client.query("select 1")).noneMatch(m -> m.type() == 'E');
        });
    }

    @Test
    void case09SecondGssencRequestRejected() {
        underAttack(client -> {
            client.send(RawClient.gssencRequest());
            assertThat(client.readByte(Duration.ofSeconds(5))).isEqualTo('N');
            client.send(RawClient.gssencRequest());
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "duplicate GSSENCRequest");
            assertLogged(client, "duplicate GSSENCRequest");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"474554202f20485454502f312e310d0a486f73743a20780d0a0d0a",   // GET / HTTP/1.1
        "160301006e0100006a0303"})                                                         // a TLS ClientHello
    void case09NotPostgresAtAllClosedImmediately(String hex) {
        underAttack(client -> {
            client.send(HexFormat.of().parseHex(hex));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertFatal(outcome, "08P01", "invalid length of startup packet");
            assertThat(outcome.millis()).as("not at the login timeout").isLessThan(1500);
            assertLogged(client, "invalid length of startup packet");
        });
    }

    @ParameterizedTest
    @ValueSource(chars = {'p', 'Q', 'X'})
    void case10TypedMessageBeforeStartup(char type) {
        underAttack(client -> {
            client.send(RawClient.message(type, cstring("secret")));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertFatal(outcome, "08P01", "invalid length of startup packet");
            assertLogged(client, "invalid length of startup packet");
        });
    }

    @Test
    void unknownDatabase() {
        underAttack(client -> {
            client.send(startup(PROTOCOL_3_0, "user", "postgres", "database", "no_such_db"));
            assertFatal(client.untilClosed(CLOSE_WAIT), "3D000", "no such database");
            assertLogged(client, "no such database");
        });
    }

    @Test
    void cancelRequestWithRandomKeyHasNoEffect() {
        underAttack(client -> {
            RandomGenerator random = RandomGenerator.getDefault();
            byte[] key = new byte[4];
            random.nextBytes(key);
            client.send(RawClient.cancelRequest(random.nextInt(), key));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertThat(outcome.closed()).as(outcome.toString()).isTrue();
            assertThat(outcome.messages()).as("PostgreSQL answers a cancel with nothing").isEmpty();
        });
    }

    /** A StartupMessage padded with a filler parameter to exactly {@code length} bytes. */
    private static byte[] padded(int length) {
        byte[] base = startup(PROTOCOL_3_0, "user", "postgres", "database", "db", "x.pad", "");
        int fill = length - base.length;
        return startup(PROTOCOL_3_0, "user", "postgres", "database", "db", "x.pad", "p".repeat(fill));
    }

    /** The first message PostgreSQL itself answers to this startup packet, sent straight to the shared primary. */
    private Message firstReplyFromPostgres(int version, String... keysAndValues) {
        String[] direct = keysAndValues.clone();
        for (int i = 0; i + 1 < direct.length; i += 2) {
            if (direct[i].equals("database")) {
                direct[i + 1] = dbname;                   // the pooler's "db" is this PostgreSQL database
            }
        }
        try (RawClient client = RawClient.connect(postgres.host(), postgres.port())) {
            client.send(startup(version, direct));
            Message first = client.read(Duration.ofSeconds(10));
            assertThat(first).as("PostgreSQL's reply").isNotNull();
            return first;
        }
    }
}
