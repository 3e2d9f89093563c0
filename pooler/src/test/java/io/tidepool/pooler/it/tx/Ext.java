package io.tidepool.pooler.it.tx;

import io.tidepool.pooler.it.RawClient;
import io.tidepool.pooler.it.RawClient.Message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tidepool.pooler.it.RawClient.concat;
import static io.tidepool.pooler.it.RawClient.cstring;
import static io.tidepool.pooler.it.RawClient.int16;
import static io.tidepool.pooler.it.RawClient.int32;
import static io.tidepool.pooler.it.RawClient.message;

/**
 * Builders for the extended-query messages (protocol-message-formats.html) the raw-client tests pipeline, and readers
 * that collect replies up to a number of ReadyForQuery. Parameters travel as text with unspecified types. Stateless.
 */
final class Ext {
    static final Duration WAIT = Duration.ofSeconds(30);

    private Ext() {
    }

    /** Parse: statement name, query, no parameter types (the server infers them). */
    static byte[] parse(String name, String sql) {
        return message('P', concat(cstring(name), cstring(sql), int16(0)));
    }

    /** Bind with text parameters and text results; a null value is SQL NULL. */
    static byte[] bind(String portal, String statement, String... params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(cstring(portal));
        body.writeBytes(cstring(statement));
        body.writeBytes(int16(0));
        body.writeBytes(int16(params.length));
        for (String p : params) {
            if (p == null) {
                body.writeBytes(int32(-1));
            } else {
                byte[] value = p.getBytes(StandardCharsets.UTF_8);
                body.writeBytes(int32(value.length));
                body.writeBytes(value);
            }
        }
        body.writeBytes(int16(0));
        return message('B', body.toByteArray());
    }

    static byte[] describeStatement(String name) {
        return message('D', concat(new byte[] {'S'}, cstring(name)));
    }

    static byte[] describePortal(String name) {
        return message('D', concat(new byte[] {'P'}, cstring(name)));
    }

    static byte[] execute(String portal, int maxRows) {
        return message('E', concat(cstring(portal), int32(maxRows)));
    }

    static byte[] closeStatement(String name) {
        return message('C', concat(new byte[] {'S'}, cstring(name)));
    }

    static byte[] closePortal(String name) {
        return message('C', concat(new byte[] {'P'}, cstring(name)));
    }

    static byte[] sync() {
        return message('S', new byte[0]);
    }

    static byte[] flush() {
        return message('H', new byte[0]);
    }

    static byte[] query(String sql) {
        return message('Q', cstring(sql));
    }

    /** Reads replies until {@code readies} ReadyForQuery messages have arrived (the last one included). */
    static List<Message> untilReadies(RawClient client, int readies) {
        return untilReadies(client, readies, WAIT);
    }

    /** {@link #untilReadies(RawClient, int)}, failing when a reply takes longer than {@code timeout}. */
    static List<Message> untilReadies(RawClient client, int readies, Duration timeout) {
        List<Message> all = new ArrayList<>();
        int seen = 0;
        while (seen < readies) {
            Message m = client.read(timeout);
            if (m == null) {
                throw new AssertionError("connection closed after " + seen + " of " + readies + " ReadyForQuery; got "
                        + summary(all));
            }
            all.add(m);
            if (m.type() == 'Z') {
                seen++;
            }
        }
        return all;
    }

    /** Reads exactly {@code count} replies (no ReadyForQuery expected among them necessarily). */
    static List<Message> take(RawClient client, int count) {
        List<Message> all = new ArrayList<>();
        while (all.size() < count) {
            Message m = client.read(WAIT);
            if (m == null) {
                throw new AssertionError("connection closed after " + summary(all));
            }
            all.add(m);
        }
        return all;
    }

    /** Type letters of the replies, e.g. {@code "12TDCZ"}, with the SQLSTATE after each E: {@code "E(42601)"}. */
    static String summary(List<Message> messages) {
        StringBuilder s = new StringBuilder();
        for (Message m : messages) {
            s.append((char) m.type());
            if (m.type() == 'E') {
                s.append('(').append(m.sqlState()).append(')');
            }
        }
        return s.toString();
    }

    /** The text of DataRow column {@code column} (0-based); null for SQL NULL. */
    static String column(Message dataRow, int column) {
        byte[] b = dataRow.body();
        int at = 2;
        for (int i = 0; ; i++) {
            int len = java.nio.ByteBuffer.wrap(b, at, 4).getInt();
            at += 4;
            if (i == column) {
                return len < 0 ? null : new String(b, at, len, StandardCharsets.UTF_8);
            }
            at += Math.max(0, len);
        }
    }

    /** Column 0 of every DataRow, in order. */
    static List<String> firstColumns(List<Message> messages) {
        return messages.stream().filter(m -> m.type() == 'D').map(m -> column(m, 0)).toList();
    }

    /** The status letter of a ReadyForQuery. */
    static char status(Message ready) {
        return (char) ready.body()[0];
    }
}
