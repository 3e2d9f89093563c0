package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    @Test
    void capturesExitCodeStdoutAndStderrSeparately() {
        ProcessResult result = ProcessRunner.of("sh", "-c", "echo out; echo err >&2; exit 3").run();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void replacesInheritedEnvironmentByPrefixAndKeepsExplicitVariables() {
        ProcessResult result = ProcessRunner.of("/usr/bin/env").dropInheritedEnv("").env("TIDEPOOL_X", "x1").run();
        assertThat(result.requireSuccess().stdout()).isEqualTo("TIDEPOOL_X=x1\n");
    }

    @Test
    void feedsStdinAndOtherwiseGivesDevNull() {
        assertThat(ProcessRunner.of("cat").stdin("in\n").run().requireSuccess().stdout()).isEqualTo("in\n");
        assertThat(ProcessRunner.of("cat").timeout(Duration.ofSeconds(10)).run().requireSuccess().stdout()).isEmpty();
    }

    @Test
    void killsTheWholeTreeOnTimeout(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        // The shell starts a grandchild and waits; killing only the shell would leave the sleep behind.
        ProcessResult result = ProcessRunner.of("sh", "-c", "sleep 600 & echo $! > " + pidFile + "; wait")
                .timeout(Duration.ofSeconds(2)).run();
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        long child = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(child).map(ExternalProcess::isRunning).orElse(false)).isFalse();
    }

    @Test
    void startedProcessIsStoppedWithItsChildren(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path output = dir.resolve("out.log");
        ExternalProcess process;
        try (ExternalProcess started = ProcessRunner.of("sh", "-c",
                "echo started; sleep 600 & echo $! > " + pidFile + "; wait").start(output)) {
            process = started;
            Await.until(Duration.ofSeconds(10), () -> started.outputTail(1).equals("started") && hasPid(pidFile),
                    () -> "child did not start");
            assertThat(started.isAlive()).isTrue();
        }
        assertThat(process.isAlive()).isFalse();
        long child = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(child).map(ExternalProcess::isRunning).orElse(false)).isFalse();
    }

    private static boolean hasPid(Path file) {
        try {
            return Files.readString(file).endsWith("\n");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
