package io.tidepool.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Cleans up after test JVMs that died without running their shutdown hooks (SIGKILL by a fork timeout, an OOM
 * kill). Every fixture directory gets an {@code owner} file naming its JVM (pid and start time); the first fixture a
 * JVM starts kills the servers left in directories whose owner is gone (read from their {@code postmaster.pid} or
 * {@code pgbouncer.pid}) and deletes those directories. Directories of live JVMs, including other builds running in
 * parallel, are never touched. Static and thread-safe.
 */
final class StaleFixtures {
    static final String OWNER_FILE = "owner";
    private static final List<String> PREFIXES = List.of("tidepool-pg-", "tidepool-pgbouncer-");
    private static boolean reaped;

    private StaleFixtures() {
    }

    /** Writes the {@code owner} file of a new fixture directory. */
    static void markOwned(Path dir) {
        ProcessHandle self = ProcessHandle.current();
        try {
            Files.writeString(dir.resolve(OWNER_FILE), self.pid() + " " + startMillis(self).orElse(0L) + "\n");
        } catch (IOException e) {
            // without an owner file the directory is simply never reaped
        }
    }

    /** Reaps the stale fixtures once per JVM; later calls return at once. */
    static synchronized void reapOnce() {
        if (reaped) {
            return;
        }
        reaped = true;
        reapNow();
    }

    /** Reaps every stale fixture now (tests call this directly). */
    static void reapNow() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> entries = Files.list(tmp)) {
            entries.filter(StaleFixtures::isFixture).filter(StaleFixtures::ownerIsGone).forEach(StaleFixtures::reap);
        } catch (IOException e) {
            // nothing to reap, or not readable: not this JVM's problem
        }
    }

    private static boolean isFixture(Path dir) {
        String name = dir.getFileName().toString();
        return PREFIXES.stream().anyMatch(name::startsWith) && Files.isRegularFile(dir.resolve(OWNER_FILE));
    }

    private static boolean ownerIsGone(Path dir) {
        try {
            String[] owner = Files.readString(dir.resolve(OWNER_FILE)).trim().split(" ");
            long recordedStart = Long.parseLong(owner[1]);
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(owner[0]));
            // A recycled pid belongs to a process started at another time.
            return process.isEmpty() || startMillis(process.get()).map(start -> start != recordedStart).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;   // unreadable or being written: leave it alone
        }
    }

    private static void reap(Path dir) {
        List<Path> pidFiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir, 2)) {
            files.filter(file -> file.getFileName().toString().matches("postmaster\\.pid|pgbouncer\\.pid"))
                    .forEach(pidFiles::add);
        } catch (IOException e) {
            return;
        }
        for (Path pidFile : pidFiles) {
            serverProcess(pidFile).ifPresent(StaleFixtures::killTree);
        }
        try {
            TempDirs.delete(dir);
            System.err.println("tidepool testkit: removed stale fixture " + dir + " of a dead test JVM");
        } catch (RuntimeException e) {
            System.err.println("tidepool testkit: cannot remove stale fixture " + dir + ": " + e);
        }
    }

    /** The live process named in the first line of {@code pidFile}, if it still is a postgres or pgbouncer. */
    private static Optional<ProcessHandle> serverProcess(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
            return ProcessHandle.of(pid).filter(process -> process.info().command()
                    .map(command -> command.endsWith("postgres") || command.endsWith("pgbouncer")).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void killTree(ProcessHandle root) {
        ProcessRunner.of("kill", "-STOP", Long.toString(root.pid())).run();   // no new children while we list them
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.addFirst(root);
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(instant -> instant.toEpochMilli());
    }
}
