package io.tidepool.wire.leak;

import io.netty.buffer.ByteBufAllocator;
import io.tidepool.testkit.LeakDetection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proves the leak check that guards every test run actually sees a leak: testkit's LeakDetectionListener installed
 * the recording detector factory before this class loaded, so a buffer dropped without release() is reported by
 * {@link LeakDetection#check}. The check here consumes the report, so this deliberate leak does not fail the run.
 */
class LeakDetectionTest {
    @Test
    void anUnreleasedBufferIsReported() {
        assertThat(LeakDetection.isInstalled()).as("installed by the LauncherSessionListener").isTrue();
        LeakDetection.check("the tests before this one");   // start clean
        leakOneBuffer();
        assertThatThrownBy(() -> LeakDetection.check("LeakDetectionTest")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("LEAK: ByteBuf.release() was not called");
        LeakDetection.check("the deliberate leak, already reported");
    }

    private static void leakOneBuffer() {
        ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);    // dropped without release()
    }
}
