package io.tidepool.pooler.app;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reports an event loop that ends while the pooler is not stopping.
 *
 * <p>Why: Netty keeps a handler's exception inside its pipeline, but an {@code Error} thrown by the loop itself (a class
 * that can no longer be loaded because the jar was replaced under the running process, a failure in native code) ends
 * the loop's thread. The process then lives on with a listening socket whose connections nobody serves, VRRP adverts
 * still going out from their own thread (so the VIP stays here), and a graceful stop that waits for the dead loop.
 * PgBouncer in that situation is a dead process that its supervisor restarts; {@link Tidepool} makes itself the same.
 */
final class LoopWatch {
    private LoopWatch() {
    }

    /**
     * Calls {@code onUnexpectedEnd} with the loop's name ({@code name-index}) when one of {@code group}'s loops ends
     * while {@code stopping} is false. Runs on Netty's global executor thread, not on the loop.
     */
    static void watch(EventLoopGroup group, String name, BooleanSupplier stopping, Consumer<String> onUnexpectedEnd) {
        int index = 0;
        for (EventExecutor loop : group) {
            String loopName = name + "-" + index++;
            loop.terminationFuture().addListener(ended -> {
                if (!stopping.getAsBoolean()) {
                    onUnexpectedEnd.accept(loopName);
                }
            });
        }
    }
}
