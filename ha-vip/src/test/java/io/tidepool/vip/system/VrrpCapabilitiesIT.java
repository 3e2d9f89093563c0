package io.tidepool.vip.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidepool.testkit.NetNs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Without CAP_NET_RAW or CAP_NET_ADMIN the standalone daemon refuses to start with a message naming the capability
 * and the systemd line (issue 6). Capabilities are removed from the bounding set with setpriv, so even root lacks them.
 */
class VrrpCapabilitiesIT {
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @BeforeAll
    static void needsNamespacesAndSetpriv() {
        assumeTrue(NetNs.available(), NetNs::skipReason);
        assumeTrue(Files.isExecutable(SETPRIV), "capability test needs " + SETPRIV + " (util-linux)");
    }

    static String runWithout(VrrpLab lab, String capability) throws Exception {
        Path ini = lab.dir.resolve("cap.ini");
        Files.writeString(ini, VrrpLab.ini(100, "advert_int = 0.1"));
        Path log = lab.dir.resolve("cap-" + capability + ".log");
        String classpath = Path.of("target/classes").toAbsolutePath().toString();
        Process p = lab.net.start(lab.p1, List.of(SETPRIV.toString(), "--bounding-set=-" + capability,
                "--inh-caps=-" + capability, VrrpLab.JAVA.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                classpath, "io.tidepool.vip.VrrpMain", ini.toString()), log);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        return Files.readString(log);
    }

    @Test
    void missingCapabilitiesAreNamedAtStartup() throws Exception {
        try (var lab = new VrrpLab()) {
            String noRaw = runWithout(lab, "net_raw");
            System.out.println("[vrrp-caps] without CAP_NET_RAW: " + noRaw.strip());
            assertThat(noRaw).contains("tidepool vrrp: cannot start: raw IPv4 socket (protocol 112)",
                    "Operation not permitted (errno 1); needs CAP_NET_RAW",
                    "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN");
            String noAdmin = runWithout(lab, "net_admin");
            System.out.println("[vrrp-caps] without CAP_NET_ADMIN: " + noAdmin.strip());
            assertThat(noAdmin).contains("tidepool vrrp: cannot start:", "needs CAP_NET_ADMIN");
        }
    }
}
