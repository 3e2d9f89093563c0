package io.tidepool.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time used so far by a process and its descendants, from Linux {@code /proc/<pid>/stat} ({@code utime} and
 * {@code stime}, fields 14 and 15, in clock ticks; proc(5)). The descendants matter because PgBouncer runs under a
 * {@code runuser} wrapper when we are root. Sampled before and after a pgbench run, the difference divided by the
 * transactions is the pooler's CPU cost per transaction. Stateless.
 */
final class ProcessCpu {
    private static final long TICKS_PER_SECOND = clockTicks();

    private ProcessCpu() {
    }

    /** User+system CPU seconds of {@code pid} and everything below it that is alive now (0 if it is gone). */
    static double seconds(long pid) {
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(root -> {
            tree.add(root);
            root.descendants().forEach(tree::add);
        });
        long ticks = 0;
        for (ProcessHandle process : tree) {
            ticks += ticks(process.pid());
        }
        return (double) ticks / TICKS_PER_SECOND;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) state ppid ...": comm may contain spaces and parentheses; fields resume after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) is fields[12].
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;                                   // exited between listing and reading: nothing to add
        }
    }

    /** {@code getconf CLK_TCK}; 100 on every Linux we know, used if getconf is missing. */
    private static long clockTicks() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            return process.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
