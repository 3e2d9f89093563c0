package io.tidepool.vip.system;

import static io.tidepool.vip.system.VrrpLab.ini;
import static io.tidepool.vip.system.VrrpLab.keepalivedConf;
import static io.tidepool.vip.system.VrrpLab.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidepool.testkit.NetNs;
import io.tidepool.vip.state.VrrpState;
import io.tidepool.vip.system.VrrpLab.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interop with Debian's keepalived 2.2.7 in the same VRID, in both roles (issue 6 acceptance): Tidepool in p1,
 * keepalived in p2 (with a stand-in listener answering "keepalived"). A lower-priority peer that stays BACKUP for
 * several of its down intervals proves it parses the master's adverts (checksum form, version, auth).
 */
class VrrpKeepalivedIT {
    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");
    static final Duration WAIT = Duration.ofSeconds(15);

    @BeforeAll
    static void needsNamespacesAndKeepalived() {
        assumeTrue(NetNs.available(), NetNs::skipReason);
        assumeTrue(Files.isExecutable(KEEPALIVED), "keepalived interop needs " + KEEPALIVED + " (apt install keepalived)");
    }

    static String log(VrrpLab lab) throws Exception {
        return Files.readString(lab.dir.resolve("p2-keepalived.log"));
    }

    static void awaitLog(VrrpLab lab, String text, int occurrences) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (log(lab).split(java.util.regex.Pattern.quote(text), -1).length - 1 < occurrences) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("keepalived never logged '" + text + "' x" + occurrences + ":\n" + log(lab));
            }
            Thread.sleep(20);
        }
    }

    @Test
    void v3InBothRoles() throws Exception {
        try (var lab = new VrrpLab()) {
            lab.listener(lab.p2, "keepalived");
            String fast = "advert_int = 0.1\nvip_lifetime = 2";

            // Role 1: Tidepool (150) is master, keepalived (100) backup and stays so: it accepts our v3 checksum.
            Node p1 = lab.tidepool(lab.p1, ini(150, fast));
            p1.awaitState(VrrpState.MASTER, 0, WAIT);
            Process keepalived = lab.keepalived(lab.p2, keepalivedConf(3, 100, "0.1", ""));
            awaitLog(lab, "Entering BACKUP STATE", 1);
            Thread.sleep(1500);                    // four keepalived down intervals (361 ms)
            assertThat(log(lab)).doesNotContain("Entering MASTER STATE").doesNotContain("Invalid VRRPv3 checksum");
            lab.firstAnswerFrom("p1", WAIT);

            var probe = lab.answerFrom("keepalived", WAIT);
            long killed = System.nanoTime();
            p1.kill9();
            long reached = probe.get();
            report("v3: kill -9 Tidepool master -> keepalived answers", reached - killed, "keepalived takeover");

            int mark = 0;
            p1 = lab.tidepool(lab.p1, ini(150, fast));   // returns with the higher priority: takes the VIP back
            p1.awaitState(VrrpState.MASTER, mark, WAIT);
            awaitLog(lab, "Entering BACKUP STATE", 2);
            lab.firstAnswerFrom("p1", WAIT);
            p1.stop();
            keepalived.destroy();                  // SIGTERM: keepalived sends priority 0 and removes its VIP
            keepalived.waitFor();

            // Role 2: keepalived (150) is master, Tidepool (100) backup and stays so: we accept its adverts.
            Files.writeString(lab.dir.resolve("p2-keepalived.log"), "");
            keepalived = lab.keepalived(lab.p2, keepalivedConf(3, 150, "0.1", ""));
            lab.awaitVip(lab.p2, true, WAIT);
            p1 = lab.tidepool(lab.p1, ini(100, fast));
            p1.awaitState(VrrpState.BACKUP, 0, WAIT);
            Thread.sleep(1500);
            assertThat(p1.transitionsSince(0)).hasSize(1);
            assertThat(p1.status()).contains("master=192.0.2.12");
            lab.firstAnswerFrom("keepalived", WAIT);

            mark = p1.mark();
            probe = lab.answerFrom("p1", WAIT);
            killed = System.nanoTime();
            NetNs.kill9(keepalived);               // keepalived leaves its VIP behind (VRRP-NOTES §5.6)
            long master = p1.awaitState(VrrpState.MASTER, mark, WAIT);
            reached = probe.get();
            report("v3: kill -9 keepalived master -> Tidepool MASTER", master - killed, "bound 3 x 100 + 61 ms");
            report("v3: kill -9 keepalived master -> client answered by Tidepool", reached - killed,
                    "keepalived's stale VIP keeps answering ARP (VRRP-NOTES §5.6)");

            mark = p1.mark();
            keepalived = lab.keepalived(lab.p2, keepalivedConf(3, 150, "0.1", ""));  // returns higher: takes back
            p1.awaitState(VrrpState.BACKUP, mark, WAIT);
            lab.firstAnswerFrom("keepalived", WAIT);
            p1.stop();
            keepalived.destroy();
            keepalived.waitFor();
        }
    }

    @Test
    void v2WithPasswordInBothRoles() throws Exception {
        try (var lab = new VrrpLab()) {
            lab.listener(lab.p2, "keepalived");
            String v2 = "version = 2\nadvert_int = 1\nauth_type = PASS\nauth_pass = s3cret99\nvip_lifetime = 3";
            String auth = "authentication {\n        auth_type PASS\n        auth_pass s3cret99\n    }";

            // Tidepool (150) master; keepalived (100) stays BACKUP past its 3.6 s down interval: it accepts our v2+PASS.
            Node p1 = lab.tidepool(lab.p1, ini(150, v2));
            p1.awaitState(VrrpState.MASTER, 0, WAIT);
            Process keepalived = lab.keepalived(lab.p2, keepalivedConf(2, 100, "1", auth));
            awaitLog(lab, "Entering BACKUP STATE", 1);
            Thread.sleep(4500);
            assertThat(log(lab)).doesNotContain("Entering MASTER STATE");

            // Tidepool dies; keepalived takes over and Tidepool, back as a BACKUP first, then preempts it.
            var probe = lab.answerFrom("keepalived", WAIT);
            long killed = System.nanoTime();
            p1.kill9();
            long reached = probe.get();
            report("v2+PASS: kill -9 Tidepool master -> keepalived answers", reached - killed, "down interval 3.6 s");
            p1 = lab.tidepool(lab.p1, ini(150, v2));
            p1.awaitState(VrrpState.MASTER, 0, WAIT);
            awaitLog(lab, "Entering BACKUP STATE", 2);
            lab.firstAnswerFrom("p1", WAIT);

            // keepalived (now 100) is below us: our graceful stop (priority 0) hands it the VIP after its skew.
            probe = lab.answerFrom("keepalived", WAIT);
            long stopping = p1.stop();
            reached = probe.get();
            report("v2+PASS: graceful stop of Tidepool -> keepalived answers", reached - stopping, "skew 0.61 s");
            assertThat(log(lab)).contains("Backup received priority 0 advertisement");
            keepalived.destroy();
            keepalived.waitFor();
        }
    }
}
