package io.tidepool.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresLogOnFailure.class)
class StaleFixturesIT {

    @Test
    void killsTheServersOfADeadJvmAndDeletesItsDirectory() throws Exception {
        try (var orphan = PostgresCluster.builder().start(); var alive = PostgresCluster.builder().start()) {
            // Pretend the orphan's JVM died: a pid above any pid_max has no process.
            Files.writeString(orphan.directory().resolve(StaleFixtures.OWNER_FILE), "4294967296 0\n");

            StaleFixtures.reapNow();

            assertThat(orphan.primary().isRunning()).isFalse();
            assertThat(Files.exists(orphan.directory())).isFalse();
            assertThat(PortAllocator.isListening(orphan.primary().port())).isFalse();
            // A fixture of a live JVM (this one) is left alone.
            assertThat(alive.primary().queryString("select 1")).isEqualTo("1");
        }
    }
}
