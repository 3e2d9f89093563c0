package io.tidepool.wire.golden;

import io.tidepool.testkit.WireRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * testkit's WireRecorder relays both directions unchanged and writes each as hex in the format {@link Golden}
 * reads, one line per socket read, after its {@code #} header. Loopback only; the echo server and the relay are
 * closed by the test.
 */
class WireRecorderTest {
    @Test
    void relaysBothDirectionsAndRecordsThemAsGoldenHex(@TempDir Path dir) throws Exception {
        try (var echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream();
                     OutputStream out = s.getOutputStream()) {
                    assertThat(in.readNBytes(5)).containsExactly('S', 0, 0, 0, 4);
                    out.write(new byte[] {'Z', 0, 0, 0, 5, 'I'});
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            var target = new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
            try (var recorder = WireRecorder.start(0, target, dir, List.of("unit test", "then: WireRecorderTest"));
                 var client = new Socket(InetAddress.getLoopbackAddress(), recorder.port())) {
                client.getOutputStream().write(new byte[] {'S', 0, 0, 0, 4});
                byte[] answer = client.getInputStream().readNBytes(6);
                assertThat(answer).containsExactly('Z', 0, 0, 0, 5, 'I');
                client.shutdownOutput();
                assertThat(client.getInputStream().read()).as("EOF relayed").isEqualTo(-1);
                server.join();
                recorder.awaitQuiet(5_000);
                assertThat(recorder.connectionCount()).isEqualTo(1);

                Path frontend = recorder.frontendFile(1);
                Path backend = recorder.backendFile(1);
                assertThat(Files.readAllLines(frontend).getFirst()).isEqualTo("# unit test");
                assertThat(hex(frontend)).isEqualTo("53 00 00 00 04");
                assertThat(hex(backend)).isEqualTo("5a 00 00 00 05 49");
            }
        }
    }

    private static String hex(Path file) throws Exception {
        return String.join(" ", Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).toList());
    }
}
