package io.tidepool.pooler.it;

import io.tidepool.auth.scram.ScramKeys;
import io.tidepool.pooler.it.RawClient.Message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A hand-driven SCRAM-SHA-256 client over a {@link RawClient}, so that a test can send each message correct or
 * broken in one chosen way (RELIABILITY cases 17–19). Computes proofs with the auth module's {@link ScramKeys} (the
 * same primitives any client uses). One login; one thread.
 */
final class ScramScript {
    static final Duration WAIT = Duration.ofSeconds(10);

    final RawClient client;
    final String password;
    final String clientNonce = "rawclientnonce" + System.nanoTime();
    List<String> mechanisms = List.of();
    String serverFirst = "";
    String serverNonce = "";
    byte[] salt = new byte[0];
    int iterations;

    ScramScript(RawClient client, String password) {
        this.client = client;
        this.password = password;
    }

    /** StartupMessage; expects AuthenticationSASL and records the offered mechanisms. */
    ScramScript start(String user, String database) {
        client.send(RawClient.startup(RawClient.PROTOCOL_3_0, "user", user, "database", database));
        Message m = expectAuth(10);
        List<String> offered = new ArrayList<>();
        int at = 4;
        while (at < m.body().length && m.body()[at] != 0) {
            int end = at;
            while (m.body()[end] != 0) {
                end++;
            }
            offered.add(new String(m.body(), at, end - at, StandardCharsets.UTF_8));
            at = end + 1;
        }
        mechanisms = offered;
        return this;
    }

    String clientFirstBare() {
        return "n=,r=" + clientNonce;
    }

    /** Sends a well-formed client-first for plain SCRAM-SHA-256 and reads server-first. */
    ScramScript first() {
        client.send(initial("SCRAM-SHA-256", ("n,," + clientFirstBare()).getBytes(StandardCharsets.UTF_8)));
        readServerFirst();
        return this;
    }

    void readServerFirst() {
        Message m = expectAuth(11);
        serverFirst = new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8);
        for (String attribute : serverFirst.split(",")) {
            switch (attribute.charAt(0)) {
                case 'r' -> serverNonce = attribute.substring(2);
                case 's' -> salt = Base64.getDecoder().decode(attribute.substring(2));
                case 'i' -> iterations = Integer.parseInt(attribute.substring(2));
                default -> { }
            }
        }
    }

    /** The correct client-final for {@code gs2Header} (base64 in {@code c=}). */
    String clientFinal(String gs2Header) {
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8))
                + ",r=" + serverNonce;
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof(withoutProof));
    }

    byte[] proof(String clientFinalWithoutProof) {
        String authMessage = clientFirstBare() + "," + serverFirst + "," + clientFinalWithoutProof;
        byte[] clientKey = ScramKeys.clientKey(ScramKeys.saltedPassword(password, salt, iterations));
        return ScramKeys.clientProof(clientKey, authMessage);
    }

    private Message expectAuth(int code) {
        Message m = client.read(WAIT);
        if (m == null || m.type() != 'R' || ByteBuffer.wrap(m.body()).getInt() != code) {
            throw new AssertionError("expected Authentication " + code + ", got " + m);
        }
        return m;
    }

    /** SASLInitialResponse: mechanism, int32 length of the data, the data. */
    static byte[] initial(String mechanism, byte[] data) {
        return RawClient.message('p', RawClient.concat(RawClient.cstring(mechanism), RawClient.int32(data.length),
                data));
    }

    /** SASLInitialResponse with a lying length word. */
    static byte[] initialDeclaring(String mechanism, int declared, byte[] data) {
        return RawClient.message('p', RawClient.concat(RawClient.cstring(mechanism), RawClient.int32(declared),
                data));
    }

    static byte[] response(String data) {
        return RawClient.message('p', data.getBytes(StandardCharsets.UTF_8));
    }
}
