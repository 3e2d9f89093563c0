package io.tidepool.pooler.it.routing;

import io.tidepool.testkit.PgTarget;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A steady client load through the pooler: writer threads inserting one row per autocommit statement into
 * {@code w(id bigint primary key, writer int)} (each id unique, remembered once acknowledged), or reader threads
 * running {@code select inet_server_port()} (counted per server port). A thread that gets an error records it with
 * its SQLSTATE and time, reconnects and goes on, as an application would. Started and stopped by one test; the
 * figures may be read from any thread.
 */
final class Workload implements AutoCloseable {
    /** One failed statement or connection attempt. */
    record Failure(int thread, long atNanos, String sqlState, String message, boolean connecting) {
        @Override
        public String toString() {
            return "thread " + thread + (connecting ? " connecting" : "") + ": " + sqlState + " " + message;
        }
    }

    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final PgTarget target;
    private final boolean writes;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Long, Long> acknowledged = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> successes = new ConcurrentLinkedQueue<>();
    private final Map<Integer, AtomicLong> byPort = new ConcurrentHashMap<>();
    private final AtomicLongArray lastSuccess;
    private volatile boolean running = true;

    private Workload(PgTarget target, boolean writes, int threadCount) {
        this.target = target;
        this.writes = writes;
        this.lastSuccess = new AtomicLongArray(threadCount);
        for (int i = 0; i < threadCount; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().daemon().name((writes ? "writer-" : "reader-") + i).start(() -> run(n)));
        }
    }

    /** Creates the table the writers use (through a direct connection to the primary). */
    static void createTable(Connection primary) throws SQLException {
        try (Statement s = primary.createStatement()) {
            s.execute("create table if not exists w(id bigint primary key, writer int not null)");
        }
    }

    static Workload writers(PgTarget target, int threads) {
        return new Workload(target, true, threads);
    }

    static Workload readers(PgTarget target, int threads) {
        return new Workload(target, false, threads);
    }

    private void run(int thread) {
        while (running) {
            Connection c;
            try {
                c = RoutingFixture.connect(target);
            } catch (SQLException e) {
                failures.add(new Failure(thread, System.nanoTime(), String.valueOf(e.getSQLState()),
                        e.getMessage(), true));
                pause();
                continue;
            }
            try (c; PreparedStatement insert = c.prepareStatement("insert into w(id, writer) values (?, ?)");
                    Statement select = c.createStatement()) {
                while (running) {
                    if (writes) {
                        long id = NEXT_ID.incrementAndGet();
                        insert.setLong(1, id);
                        insert.setInt(2, thread);
                        insert.executeUpdate();
                        acknowledged.put(id, System.nanoTime());
                    } else {
                        try (ResultSet rs = select.executeQuery("select inet_server_port()")) {
                            rs.next();
                            byPort.computeIfAbsent(rs.getInt(1), p -> new AtomicLong()).incrementAndGet();
                        }
                    }
                    long now = System.nanoTime();
                    lastSuccess.set(thread, now);
                    successes.add(new long[] {now});
                }
            } catch (SQLException e) {
                if (running) {
                    failures.add(new Failure(thread, System.nanoTime(), String.valueOf(e.getSQLState()),
                            e.getMessage(), false));
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ids whose INSERT the pooler acknowledged. */
    Set<Long> acknowledged() {
        return Set.copyOf(acknowledged.keySet());
    }

    /** Ids whose INSERT was acknowledged at or after {@code nanos} (System.nanoTime). */
    Set<Long> acknowledgedSince(long nanos) {
        Set<Long> ids = new java.util.HashSet<>();
        acknowledged.forEach((id, at) -> {
            if (at >= nanos) {
                ids.add(id);
            }
        });
        return ids;
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Successful statements per server port (readers). */
    Map<Integer, Long> byPort() {
        Map<Integer, Long> copy = new java.util.TreeMap<>();
        byPort.forEach((port, count) -> copy.put(port, count.get()));
        return copy;
    }

    /** Completion times (System.nanoTime) of every successful statement, in order of completion per thread. */
    List<Long> successTimes() {
        return successes.stream().map(s -> s[0]).sorted().toList();
    }

    /** The first successful statement completed at or after {@code nanos}, or -1. */
    long firstSuccessAfter(long nanos) {
        return successTimes().stream().filter(t -> t >= nanos).findFirst().orElse(-1L);
    }

    /** Successful statements completed in [from, to). */
    long successesBetween(long from, long to) {
        return successTimes().stream().filter(t -> t >= from && t < to).count();
    }

    /** The longest time without any successful statement between {@code from} and {@code to}, in nanoseconds. */
    long longestGap(long from, long to) {
        long previous = from;
        long gap = 0;
        for (long t : successTimes()) {
            if (t < from || t > to) {
                continue;
            }
            gap = Math.max(gap, t - previous);
            previous = t;
        }
        return Math.max(gap, to - previous);
    }

    long successCount() {
        return successes.size();
    }

    /** Stops the threads and waits for them (each ends after its current statement, bounded by socketTimeout). */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(70));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
