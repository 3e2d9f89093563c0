package io.tidepool.pooler.it;

import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.PostgresLogOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A hostile backend during Tidepool's own SCRAM login (RELIABILITY case 20; CVE-2026-6665, CVE-2026-6669): a fake
 * PostgreSQL on loopback answers the pooler's login with a broken SCRAM exchange. Each variant must abort the server
 * login (the waiting client gets an error) without a long key derivation, while a bystander on another database of
 * the same pooler keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresLogOnFailure.class)
class HostileBackendScramIT {
    enum Variant { ITERATIONS_ZERO, ITERATIONS_MAX, NONCE_NOT_PREFIXED, NONCE_10KB, SALT_NOT_BASE64, WRONG_SERVER_SIGNATURE,
        SERVER_ERROR_ATTRIBUTE, KERBEROS }

    private ServerSocket fake;
    private volatile Variant variant = Variant.ITERATIONS_ZERO;
    private Thread acceptor;
    private TidepoolFixture pooler;
    private Bystander bystander;

    @BeforeAll
    void start() throws Exception {
        AuthCluster auth = AuthCluster.get();
        fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(this::serve);
        pooler = TidepoolFixture.builder(auth.node)
                .database("real", "authdb")
                .rawDatabase("fake", "host=127.0.0.1 port=" + fake.getLocalPort() + " dbname=x user=fakeuser"
                        + " password=fake-pw")
                .set("server_login_retry", 0)
                .start();
        bystander = Bystander.start(pooler.target("real"));
    }

    @AfterAll
    void stop() throws Exception {
        if (bystander != null) {
            bystander.close();
        }
        if (pooler != null) {
            pooler.close();
        }
        fake.close();
        acceptor.join(5000);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void serverLoginAbortsAndOthersKeepWorking(Variant v) {
        variant = v;
        long t0 = System.nanoTime();
        PgTarget target = pooler.target("fake");
        assertThatThrownBy(() -> target.connect().close()).isInstanceOfSatisfying(SQLException.class,
                e -> System.out.printf("case 20 %s: %s %s after %d ms%n", v, e.getSQLState(), e.getMessage(),
                        (System.nanoTime() - t0) / 1_000_000));
        bystander.assertUnaffected();
        assertThat(pooler.logs().lines()).anyMatch(line -> line.contains("fake") && line.contains("login failed"));
    }

    private void serve() {
        while (!fake.isClosed()) {
            try (Socket socket = fake.accept()) {
                socket.setSoTimeout(10_000);
                converse(new DataInputStream(socket.getInputStream()), new DataOutputStream(socket.getOutputStream()));
            } catch (IOException e) {
                // the pooler closed the connection (the expected end of every variant) or the test is over
            }
        }
    }

    private void converse(DataInputStream in, DataOutputStream out) throws IOException {
        int length = in.readInt();
        int code = in.readInt();
        in.readNBytes(length - 8);
        if (code == 80877103) {                             // SSLRequest (server_tls_sslmode prefer): no TLS here
            out.write('N');
            out.flush();
            length = in.readInt();
            in.readNBytes(length - 4);
        }
        if (variant == Variant.KERBEROS) {
            auth(out, 2, new byte[0]);
            drain(in);
            return;
        }
        auth(out, 10, "SCRAM-SHA-256\0\0".getBytes(StandardCharsets.US_ASCII));
        byte[] initial = message(in);
        String text = new String(initial, StandardCharsets.UTF_8);
        String clientNonce = text.substring(text.indexOf("r=") + 2);
        String salt = Base64.getEncoder().encodeToString(new byte[16]);
        String serverFirst = switch (variant) {
            case ITERATIONS_ZERO -> "r=" + clientNonce + "srv,s=" + salt + ",i=0";
            case ITERATIONS_MAX -> "r=" + clientNonce + "srv,s=" + salt + ",i=2147483647";
            case NONCE_NOT_PREFIXED -> "r=someoneelse" + "srv,s=" + salt + ",i=4096";
            case NONCE_10KB -> "r=" + clientNonce + "x".repeat(10_240) + ",s=" + salt + ",i=4096";
            case SALT_NOT_BASE64 -> "r=" + clientNonce + "srv,s=!!!*,i=4096";
            case WRONG_SERVER_SIGNATURE, SERVER_ERROR_ATTRIBUTE -> "r=" + clientNonce + "srv,s=" + salt + ",i=4096";
            case KERBEROS -> throw new IllegalStateException();
        };
        auth(out, 11, serverFirst.getBytes(StandardCharsets.UTF_8));
        if (variant == Variant.WRONG_SERVER_SIGNATURE || variant == Variant.SERVER_ERROR_ATTRIBUTE) {
            message(in);
            String last = variant == Variant.WRONG_SERVER_SIGNATURE
                    ? "v=" + Base64.getEncoder().encodeToString(new byte[32]) : "e=other-error";
            auth(out, 12, last.getBytes(StandardCharsets.UTF_8));
            // A real server would follow with AuthenticationOk; this one claims success after a bad proof.
            auth(out, 0, new byte[0]);
        }
        drain(in);
    }

    /** The body of the next 'p' message (for SASLInitialResponse: mechanism, length and data are all in it). */
    private static byte[] message(DataInputStream in) throws IOException {
        int type = in.read();
        if (type != 'p') {
            throw new IOException("expected 'p', got " + type);
        }
        int length = in.readInt();
        return in.readNBytes(length - 4);
    }

    private static void auth(DataOutputStream out, int code, byte[] data) throws IOException {
        out.writeByte('R');
        out.writeInt(8 + data.length);
        out.writeInt(code);
        out.write(data);
        out.flush();
    }

    private static void drain(DataInputStream in) throws IOException {
        while (in.read() >= 0) {
            // until the pooler closes
        }
    }
}
