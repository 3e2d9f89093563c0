package io.tidepool.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Makes Netty buffer leaks fail the test run (STYLE 2.6). {@link LeakDetectionListener} calls {@link #install()} when
 * the JUnit Platform opens its launcher session, before any test class (and so before any {@code ByteBuf} class)
 * loads; from then on every leak report of Netty's {@code ResourceLeakDetector} is recorded here as well as logged.
 * {@link #check(String)} forces a collection, makes every detector poll its reference queue and throws if anything
 * leaked; the listener calls it after each test class and when the session closes.
 *
 * <p>testkit does not need Netty: when {@code io.netty.util.ResourceLeakDetectorFactory} is not on the test class
 * path, everything here is a no-op. Thread-safe (reports arrive on whichever thread allocates a buffer).
 */
public final class LeakDetection {
    private static final String NETTY_FACTORY = "io.netty.util.ResourceLeakDetectorFactory";
    private static final ConcurrentLinkedQueue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    private LeakDetection() {
    }

    /** Installs the recording detector factory if Netty is present; idempotent. Returns whether it is active. */
    public static synchronized boolean install() {
        if (!installed && nettyPresent()) {
            LeakDetectionNetty.install();
            installed = true;
        }
        return installed;
    }

    public static boolean isInstalled() {
        return installed;
    }

    /** Leak reports recorded so far and not yet taken by {@link #check}. */
    public static List<String> reports() {
        return List.copyOf(REPORTS);
    }

    /**
     * Collects garbage, lets every detector report what became unreachable unreleased, and throws if anything was
     * reported since the last check.
     *
     * @param scope names what just ran (a test class), for the error text
     * @throws AssertionError listing every leak report
     */
    public static void check(String scope) {
        if (!installed) {
            return;
        }
        for (int round = 0; round < 2; round++) {
            System.gc();
            try {
                Thread.sleep(20);                           // let the reference handler enqueue phantom references
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            LeakDetectionNetty.poll();
        }
        List<String> leaks = new ArrayList<>();
        for (String report; (report = REPORTS.poll()) != null; ) {
            leaks.add(report);
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty resource leak(s) detected after " + scope
                    + " (every ByteBuf must be released; EmbeddedChannel tests end with finishAndReleaseAll()):\n"
                    + String.join("\n", leaks));
        }
    }

    /** Called by the recording detectors. */
    static void record(String report) {
        REPORTS.add(report);
    }

    private static boolean nettyPresent() {
        try {
            Class.forName(NETTY_FACTORY, false, LeakDetection.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
