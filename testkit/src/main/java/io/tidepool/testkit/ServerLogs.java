package io.tidepool.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The registry of the logs that a failing test should show: every {@link LogSource} still running, plus a snapshot
 * of the tail of those closed recently. The snapshot matters because a test that starts a cluster in
 * try-with-resources has closed it (and deleted its directory) by the time JUnit reports the failure. Static and
 * thread-safe: fixtures register from any test thread, {@link PostgresLogOnFailure} reads.
 */
public final class ServerLogs {
    /** Lines kept from a source when it is closed. */
    static final int SNAPSHOT_LINES = 60;
    private static final int MAX_SNAPSHOTS = 16;

    private static final Set<LogSource> LIVE = new LinkedHashSet<>();
    private static final Deque<Snapshot> CLOSED = new ArrayDeque<>();
    private static long sequence;

    private ServerLogs() {
    }

    /** A log tail captured when its source closed. */
    public record Snapshot(long sequence, String name, String tail) {
    }

    /** Adds a running source. */
    public static synchronized void register(LogSource source) {
        LIVE.add(source);
    }

    /** Removes a source that is about to stop, keeping a snapshot of its log tail (read now, before deletion). */
    public static void unregister(LogSource source) {
        String tail = source.logTail(SNAPSHOT_LINES);
        synchronized (ServerLogs.class) {
            if (!LIVE.remove(source)) {
                return;
            }
            CLOSED.addLast(new Snapshot(++sequence, source.logName(), tail));
            while (CLOSED.size() > MAX_SNAPSHOTS) {
                CLOSED.removeFirst();
            }
        }
    }

    /** A mark to pass to {@link #closedSince(long)}: the sequence number of the last closed source. */
    public static synchronized long mark() {
        return sequence;
    }

    /** The sources running now. */
    public static synchronized List<LogSource> live() {
        return List.copyOf(LIVE);
    }

    /** The snapshots of the sources closed after {@code mark} was taken (as far as they are still kept). */
    public static synchronized List<Snapshot> closedSince(long mark) {
        List<Snapshot> result = new ArrayList<>();
        for (Snapshot snapshot : CLOSED) {
            if (snapshot.sequence() > mark) {
                result.add(snapshot);
            }
        }
        return result;
    }
}
