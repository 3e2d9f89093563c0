package io.tidepool.pooler.it;

import io.tidepool.pooler.it.RawClient.Message;
import io.tidepool.pooler.it.RawClient.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.RawClient.cstring;
import static io.tidepool.pooler.it.RawClient.header;
import static io.tidepool.pooler.it.RawClient.int16;
import static io.tidepool.pooler.it.RawClient.int32;
import static io.tidepool.pooler.it.RawClient.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input after login (RELIABILITY §4 cases 7, 10–14): invalid lengths and types on the header, backend-only types,
 * internally inconsistent bodies, protocol misuse that PostgreSQL answers itself. Each checks the SQLSTATE or close,
 * the log line, and an unaffected bystander; the base class finally checks that no server connection leaked. Case 14
 * is specified for transaction mode, which is not implemented yet: its checks run in session mode here.
 */
class MessageBadInputIT extends BadInputBase {
    private static final byte[] SYNC = message('S', new byte[0]);

    @Test
    void case07SslRequestBytesAfterLoginFailImmediately() {
        underAttackLoggedIn(client -> {
            client.send(HexFormat.of().parseHex("0000000804d2162f"));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            // Type byte 0x00 is invalid: decided on the first byte, not after waiting for a 0x0804d216-byte body.
            assertFatal(outcome, "08P01", "invalid frontend message type");
            System.out.printf("case 7: SSLRequest bytes after login rejected in %d ms%n", outcome.millis());
            assertLogged(client, "invalid frontend message type");
        });
    }

    @Test
    void case10PasswordMessageWhenNoAuthenticationWasRequested() {
        underAttackLoggedIn(client -> {
            client.send(message('p', cstring("secret")));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            // Tidepool forwards it and PostgreSQL, in its query loop, refuses it as an invalid frontend message.
            assertFatal(outcome, "08P01", "");
            assertLogged(client, "clos");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, -1})
    void case11QueryWithInvalidLength(int length) {
        underAttackLoggedIn(client -> {
            client.send(header('Q', length));
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "message 'Q' length");
            assertLogged(client, "message 'Q' length");
        });
    }

    @Test
    void case11OversizedQueryRejectedOnHeader() {
        underAttackLoggedIn(client -> {
            client.send(header('Q', Integer.MAX_VALUE));
            client.trySend("select ".getBytes(StandardCharsets.US_ASCII));      // then trickle a few bytes
            client.trySend("1".getBytes(StandardCharsets.US_ASCII));
            Outcome outcome = client.untilClosed(CLOSE_WAIT);
            assertFatal(outcome, "08P01", "message 'Q' length: 2147483647");
            System.out.printf("case 11: 'Q' declaring 2^31-1 rejected in %d ms%n", outcome.millis());
            assertLogged(client, "message 'Q' length");
        });
    }

    @ParameterizedTest
    @ValueSource(chars = {'S', 'H', 'X'})
    void case11SmallMessageDeclaringTwentyThousandBytes(char type) {
        underAttackLoggedIn(client -> {
            client.send(header(type, 20000));
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "message '" + type + "' length: 20000");
            assertLogged(client, "length: 20000");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0xFF, 'R', 'Z', 'T'})
    void case12BackendOnlyOrUnknownTypeFromClient(int type) {
        underAttackLoggedIn(client -> {
            String pid = firstColumn(client.query("select pg_backend_pid()"));
            client.send(message((char) type, new byte[0]));
            assertFatal(client.untilClosed(CLOSE_WAIT), "08P01", "invalid frontend message type");
            assertLogged(client, "invalid frontend message type");
            // Not forwarded: PostgreSQL would have ended that backend with its own FATAL; it is alive and idle.
            RawClient.sleep(Duration.ofMillis(300));
            assertThat(postgres.queryString("select state from pg_stat_activity where pid = " + pid))
                    .as("backend " + pid + " after the attack").isEqualTo("idle");
        });
    }

    @Test
    void case13BindDeclaringMoreParametersThanItCarries() {
        inconsistentBody(concat(parse("select $1::text"),
                message('B', concat(cstring(""), cstring(""), int16(0), int16(65535)))));
    }

    @Test
    void case13BindParameterLengthMinusTwo() {
        inconsistentBody(concat(parse("select $1::text"),
                message('B', concat(cstring(""), cstring(""), int16(0), int16(1), int32(-2), int16(0)))));
    }

    @Test
    void case13BindParameterLengthHuge() {
        inconsistentBody(concat(parse("select $1::text"),
                message('B', concat(cstring(""), cstring(""), int16(0), int16(1), int32(Integer.MAX_VALUE),
                        "abc".getBytes(StandardCharsets.US_ASCII)))));
    }

    @Test
    void case13ParseDeclaringMoreParameterTypesThanItCarries() {
        inconsistentBody(message('P', concat(cstring(""), cstring("select 1"), int16(1000))));
    }

    @Test
    void case13QueryWithoutNul() {
        // A Query is its own request cycle: no Sync after it.
        inconsistentBody(message('Q', "select 1".getBytes(StandardCharsets.US_ASCII)), false);
    }

    @Test
    void case13FunctionCallWithBogusArguments() {
        inconsistentBody(message('F', concat(int32(0), int16(0), int16(5), int32(100))), false);
    }

    @Test
    void case13CopyDataAfterCopyDoneIsIgnoredAndFramingHolds() {
        underAttackLoggedIn(client -> {
            client.query("create temp table t13(i int)");
            client.send(message('Q', cstring("copy t13 from stdin")));
            Message copyIn = client.read(Duration.ofSeconds(10));
            assertThat(copyIn).isNotNull();
            assertThat((char) copyIn.type()).isEqualTo('G');
            client.send(message('d', "1\n".getBytes(StandardCharsets.US_ASCII)), message('c', new byte[0]));
            assertThat(client.untilReady(Duration.ofSeconds(10))).noneMatch(m -> m.type() == 'E');
            client.send(message('d', "2\n".getBytes(StandardCharsets.US_ASCII)), message('c', new byte[0]));
            // PostgreSQL ignores CopyData/CopyDone outside COPY (protocol spec); the next query is still in step.
            assertThat(firstColumn(client.query("select count(*) from t13"))).isEqualTo("1");
        });
    }

    @Test
    void case14ExecuteUnknownPortalOneReadyForQueryPerSync() {
        underAttackLoggedIn(client -> {
            client.send(message('E', concat(cstring("no_such_portal"), int32(0))), SYNC);
            List<Message> reply = client.untilReady(Duration.ofSeconds(10));
            assertThat(reply).as(reply.toString()).anyMatch(m -> m.type() == 'E' && m.sqlState().equals("34000"));
            assertThat(firstColumn(client.query("select 14"))).isEqualTo("14");
        });
    }

    @Test
    void case14BindUnknownStatement() {
        underAttackLoggedIn(client -> {
            client.send(message('B', concat(cstring(""), cstring("no_such_statement"), int16(0), int16(0),
                    int16(0))), SYNC);
            List<Message> reply = client.untilReady(Duration.ofSeconds(10));
            assertThat(reply).as(reply.toString()).anyMatch(m -> m.type() == 'E' && m.sqlState().equals("26000"));
            assertThat(firstColumn(client.query("select 14"))).isEqualTo("14");
        });
    }

    @Test
    void case14SimpleQueryInsideAnUnsyncedExtendedBatch() {
        underAttackLoggedIn(client -> {
            client.send(parse("select 1"), bind(), execute(), message('Q', cstring("select 2")), SYNC);
            // One ReadyForQuery for the Query, one for the Sync; nothing hangs, nothing extra.
            List<Message> first = client.untilReady(Duration.ofSeconds(10));
            List<Message> second = client.untilReady(Duration.ofSeconds(10));
            System.out.println("case 14: Query inside a batch: " + first + " / " + second);
            assertThat(firstColumn(client.query("select 14"))).isEqualTo("14");
        });
    }

    @Test
    void case14TenThousandPipelinedSyncsGetTenThousandReadyForQuery() {
        underAttackLoggedIn(client -> {
            String pid = firstColumn(client.query("select pg_backend_pid()"));
            ByteArrayOutputStream syncs = new ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                syncs.writeBytes(SYNC);
            }
            client.send(syncs.toByteArray());
            int ready = 0;
            while (ready < 10_000) {
                Message m = client.read(Duration.ofSeconds(10));
                assertThat(m).as("after " + ready + " ReadyForQuery").isNotNull();
                assertThat((char) m.type()).isEqualTo('Z');
                ready++;
            }
            assertThat(firstColumn(client.query("select 14"))).as("the next reply is the query's").isEqualTo("14");
            client.send(message('X', new byte[0]));
            assertThat(client.untilClosed(CLOSE_WAIT).closed()).isTrue();
            // Nothing was outstanding, so the server was reset and kept, not closed.
            RawClient.sleep(Duration.ofMillis(300));
            assertThat(postgres.queryString("select state from pg_stat_activity where pid = " + pid))
                    .as("backend " + pid + " after the client left").isEqualTo("idle");
        });
    }

    /**
     * Case 13's rule: the pooler either refuses the message (08P01) or forwards it and relays PostgreSQL's error;
     * either way framing stays in step: after the error comes ReadyForQuery and a working query, or a close.
     */
    private void inconsistentBody(byte[] bad) {
        inconsistentBody(bad, true);
    }

    private void inconsistentBody(byte[] bad, boolean sync) {
        underAttackLoggedIn(client -> {
            client.send(bad, sync ? SYNC : new byte[0]);
            Message error = null;
            boolean closed = false;
            while (true) {
                Message m = client.read(Duration.ofSeconds(10));
                if (m == null) {
                    closed = true;
                    break;
                }
                if (m.type() == 'E' && error == null) {
                    error = m;
                }
                if (m.type() == 'Z') {
                    break;
                }
            }
            assertThat(error).as("an ErrorResponse").isNotNull();
            System.out.println("case 13: " + error + (closed ? ", closed" : ", session continues"));
            if (closed) {
                assertLogged(client, "clos");
            } else {
                assertThat(firstColumn(client.query("select 13"))).isEqualTo("13");
            }
        });
    }

    private static byte[] parse(String sql) {
        return message('P', concat(cstring(""), cstring(sql), int16(0)));
    }

    private static byte[] bind() {
        return message('B', concat(cstring(""), cstring(""), int16(0), int16(0), int16(0)));
    }

    private static byte[] execute() {
        return message('E', concat(cstring(""), int32(0)));
    }

    /** The first column of the first DataRow in a reply, as text. */
    static String firstColumn(List<Message> reply) {
        for (Message m : reply) {
            if (m.type() == 'E') {
                throw new AssertionError("query failed: " + m.fields());
            }
            if (m.type() == 'D') {
                byte[] body = m.body();
                int length = java.nio.ByteBuffer.wrap(body, 2, 4).getInt();
                return new String(body, 6, length, StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no DataRow in " + reply);
    }
}
