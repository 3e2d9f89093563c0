package io.tidepool.vip.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real shell scripts through the tracker: weights, FAULT, hung scripts and the in-process health source. */
class TrackerTest {
    static final Duration FAST = Duration.ofMillis(50);
    final List<String> log = new CopyOnWriteArrayList<>();

    static ScriptSpec script(String name, String command, int weight) {
        return new ScriptSpec(name, command, FAST, Duration.ofMillis(300), weight, 1, 1);
    }

    static ScriptSpec healthSpec(int weight) {
        return new ScriptSpec("health", "(in-process)", FAST, Duration.ofMillis(100), weight, 1, 1);
    }

    Tracker.Verdict awaitVersion(Tracker tracker, long version) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (tracker.verdict().version() < version && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return tracker.verdict();
    }

    @Test
    void weightsAddWhileOkOrWhileFailingAndWeightZeroFaults() throws Exception {
        try (var tracker = new Tracker(List.of(script("bonus", "true", 10), script("malus", "false", -60),
                script("gate", "exit 3", 0)), null, healthSpec(-1), log::add)) {
            tracker.start();
            tracker.awaitFirstResults(Duration.ofSeconds(5));
            Tracker.Verdict v = awaitVersion(tracker, 3);
            assertThat(v.weightSum()).isEqualTo(10 - 60);
            assertThat(v.fault()).isEqualTo("track_script gate failed");
            assertThat(log).anySatisfy(line -> assertThat(line).contains("track_script gate: FAILED (exit 3)"));
        }
    }

    @Test
    void aHungScriptCountsAsFailure() throws Exception {
        try (var tracker = new Tracker(List.of(new ScriptSpec("hang", "sleep 30", FAST, Duration.ofMillis(100), 0, 1,
                1)), null, healthSpec(-1), log::add)) {
            tracker.start();
            Tracker.Verdict v = awaitVersion(tracker, 1);
            assertThat(v.fault()).isEqualTo("track_script hang failed");
            assertThat(v.change()).contains("timed out after 100 ms");
        }
    }

    @Test
    void scriptStateFollowsAFileWithRiseAndFall(@TempDir Path dir) throws Exception {
        Path flag = dir.resolve("ok");
        Files.createFile(flag);
        var spec = new ScriptSpec("file", "test -e " + flag, FAST, Duration.ofMillis(300), -50, 2, 2);
        try (var tracker = new Tracker(List.of(spec), null, healthSpec(-1), log::add)) {
            tracker.start();
            assertThat(awaitVersion(tracker, 1).weightSum()).isZero();
            Files.delete(flag);
            assertThat(awaitVersion(tracker, 2).weightSum()).isEqualTo(-50);
            Files.createFile(flag);
            assertThat(awaitVersion(tracker, 3).weightSum()).isZero();
        }
    }

    @Test
    void healthSourceLowersPriorityAndATimeoutIsAFailure() throws Exception {
        HealthSource hangs = () -> {
            Thread.sleep(10_000);
            return true;
        };
        try (var tracker = new Tracker(List.of(), hangs, healthSpec(-100), log::add)) {
            tracker.start();
            Tracker.Verdict v = awaitVersion(tracker, 1);
            assertThat(v.weightSum()).isEqualTo(-100);
            assertThat(v.fault()).isNull();                    // health never faults: the VIP stays somewhere
            assertThat(v.change()).isEqualTo("health: FAILED (timed out after 100 ms), weight -100");
        }
    }

    @Test
    void notifyRunnerRunsCommandsInOrder(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("notify.log");
        try (var notify = new NotifyRunner(Duration.ofSeconds(2), log::add)) {
            notify.submit("notify_backup", "echo backup >> " + out);
            notify.submit("notify_master", "echo master >> " + out);
            notify.submit("notify_fault", "exit 7");
        }
        assertThat(Files.readAllLines(out)).containsExactly("backup", "master");
        assertThat(log).containsExactly("notify_fault 'exit 7' failed: exit 7");
    }
}
