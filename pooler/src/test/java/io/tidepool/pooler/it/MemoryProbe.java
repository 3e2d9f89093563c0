package io.tidepool.pooler.it;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Samples this JVM's memory while an in-process pooler moves a large amount of data: heap in use (MemoryMXBean),
 * direct buffers (the JDK's "direct" BufferPoolMXBean, plus Netty's own counters: PlatformDependent's and the default
 * allocator's). {@link #start} takes a baseline after a GC, a sampler thread keeps the peaks, {@link #stop} takes the
 * figures after a GC. Figures are printed; tests bound only what would reveal whole-message buffering. One test thread
 * plus the sampler.
 */
public final class MemoryProbe implements AutoCloseable {
    private static final long MB = 1024 * 1024;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final BufferPoolMXBean directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
    private final String label;
    private final Thread sampler;
    private final long heapBase;
    private final long directBase;
    private volatile boolean running = true;
    private volatile long heapPeak;
    private volatile long directPeak;
    private long heapAfter;
    private long directAfter;

    private MemoryProbe(String label) {
        this.label = label;
        System.gc();
        heapBase = heap();
        directBase = direct();
        heapPeak = heapBase;
        directPeak = directBase;
        sampler = Thread.ofPlatform().daemon().name("memory-probe").start(() -> {
            while (running) {
                heapPeak = Math.max(heapPeak, heap());
                directPeak = Math.max(directPeak, direct());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public static MemoryProbe start(String label) {
        return new MemoryProbe(label);
    }

    private long heap() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The largest of the three views of direct memory in use. */
    private long direct() {
        long jdk = directPool.getMemoryUsed();
        long netty = PlatformDependent.usedDirectMemory();
        long allocator = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory() : 0;
        return Math.max(jdk, Math.max(netty, allocator));
    }

    /** Stops sampling, takes the after-GC figures and prints all of them. */
    public MemoryProbe stop() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.gc();
        heapAfter = heap();
        directAfter = direct();
        System.out.printf("%s: heap MB baseline %d / peak %d / after GC %d; direct MB baseline %d / peak %d / "
                        + "after %d%n", label, heapBase / MB, heapPeak / MB, heapAfter / MB, directBase / MB,
                directPeak / MB, directAfter / MB);
        return this;
    }

    public long directGrowthPeakMb() {
        return (directPeak - directBase) / MB;
    }

    public long heapGrowthAfterGcMb() {
        return (heapAfter - heapBase) / MB;
    }

    public long heapGrowthPeakMb() {
        return (heapPeak - heapBase) / MB;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
