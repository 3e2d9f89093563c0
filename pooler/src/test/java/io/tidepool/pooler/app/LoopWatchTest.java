package io.tidepool.pooler.app;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** LoopWatch on real Netty event loops, one of which really dies of an Error thrown by its I/O handler. */
class LoopWatchTest {
    @Test
    void aLoopKilledByAnErrorIsReported() throws Exception {
        AtomicBoolean fail = new AtomicBoolean();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, failingWhen(fail));
        try {
            CompletableFuture<String> died = new CompletableFuture<>();
            LoopWatch.watch(group, "io", () -> false, died::complete);
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            loops.forEach(loop -> loop.submit(() -> { }).syncUninterruptibly());   // both threads running
            fail.set(true);
            loops.get(1).execute(() -> { });                // wakes the loop: its next I/O round throws
            assertThat(died.get(30, TimeUnit.SECONDS)).isEqualTo("io-1");
            assertThat(loops.get(1).isTerminated()).isTrue();
        } finally {
            fail.set(false);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aStopThePoolerAskedForIsNotReported() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<String> reported = new ArrayList<>();
        LoopWatch.watch(group, "io", () -> true, reported::add);
        CountDownLatch watchersDone = new CountDownLatch(1);
        // Listeners run in the order they were added: once this one has run, LoopWatch's has.
        group.next().terminationFuture().addListener(ended -> watchersDone.countDown());
        group.next().submit(() -> { }).syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        assertThat(watchersDone.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(reported).isEmpty();
    }

    /** NIO's handler, whose I/O round throws an Error once {@code fail} is set (as a class that fails to load would). */
    private static IoHandlerFactory failingWhen(AtomicBoolean fail) {
        IoHandlerFactory nio = NioIoHandler.newFactory();
        return executor -> {
            IoHandler real = nio.newHandler(executor);
            return new IoHandler() {
                @Override
                public void initialize() {
                    real.initialize();
                }

                @Override
                public int run(IoHandlerContext context) {
                    if (fail.get()) {
                        throw new NoClassDefFoundError("simulated: io/netty/channel/Missing");
                    }
                    return real.run(context);
                }

                @Override
                public void prepareToDestroy() {
                    real.prepareToDestroy();
                }

                @Override
                public void destroy() {
                    real.destroy();
                }

                @Override
                public IoRegistration register(IoHandle handle) throws Exception {
                    return real.register(handle);
                }

                @Override
                public void wakeup() {
                    real.wakeup();
                }

                @Override
                public boolean isCompatible(Class<? extends IoHandle> handleType) {
                    return real.isCompatible(handleType);
                }
            };
        };
    }
}
