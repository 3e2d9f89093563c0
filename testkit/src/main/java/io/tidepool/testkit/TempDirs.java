package io.tidepool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Creating and deleting the private temp directories of fixtures and tests. A directory made here is deleted by its
 * owner when done; if the JVM dies first, the next test JVM's first {@link #create} removes it ({@link StaleFixtures}).
 * Stateless.
 */
public final class TempDirs {
    private TempDirs() {
    }

    /**
     * A fresh directory under {@code java.io.tmpdir} (mode 0700 on POSIX), marked as owned by this JVM; the first
     * call also removes what dead test JVMs left behind ({@link StaleFixtures}).
     */
    public static Path create(String prefix) {
        StaleFixtures.reapOnce();
        try {
            Path dir = Files.createTempDirectory(prefix);
            StaleFixtures.markOwned(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory " + prefix + "*", e);
        }
    }

    /** Deletes {@code root} and everything below it; a missing directory is fine. */
    public static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
