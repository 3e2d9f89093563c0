package io.tidepool.pooler.janitor;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.pooler.pool.PoolManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Runs the pools' maintenance on one event loop every {@link #PERIOD_MILLIS} ms: wait timeouts, reserve pool,
 * idle/lifetime limits, min_pool_size. One per loop, so it never touches another loop's state. Warns on a clock jump
 * (a tick arriving far later than scheduled: GC pause, SIGSTOP, VM freeze), as HikariCP's housekeeper does.
 */
public final class Janitor {
    private static final Logger log = LoggerFactory.getLogger(Janitor.class);
    static final long PERIOD_MILLIS = 250;

    private final PoolManager pools;
    private final EventLoop loop;
    private long lastTick = System.nanoTime();
    private @org.jspecify.annotations.Nullable ScheduledFuture<?> task;

    private Janitor(PoolManager pools, EventLoop loop) {
        this.pools = pools;
        this.loop = loop;
    }

    public static Janitor start(PoolManager pools, EventLoop loop) {
        Janitor janitor = new Janitor(pools, loop);
        janitor.task = loop.scheduleAtFixedRate(janitor::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return janitor;
    }

    private void tick() {
        long now = System.nanoTime();
        long late = (now - lastTick) / 1_000_000 - PERIOD_MILLIS;
        if (late > 1000) {
            log.warn("janitor ran {} ms late: the process was paused (GC, SIGSTOP or a VM freeze)", late);
        }
        lastTick = now;
        for (PoolGroup group : pools.groups()) {
            Pool pool = group.existingPool(loop);
            if (pool != null) {
                try {
                    pool.maintain(now);
                } catch (RuntimeException e) {
                    log.error("janitor failed on pool {}", group.key(), e);
                }
            }
        }
    }

    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
