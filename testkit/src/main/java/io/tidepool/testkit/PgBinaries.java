package io.tidepool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL programs are: {@code $PG_BINDIR} if set, else the newest {@code /usr/lib/postgresql/<major>/bin}
 * (Debian's layout). Client tools missing from that directory are looked up on {@code PATH}. Immutable; {@link
 * #get()} resolves once per JVM.
 */
public record PgBinaries(Path bindir) {
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    /** The binaries of this machine (see the type's Javadoc for the search order). */
    public static PgBinaries get() {
        return Holder.INSTANCE;
    }

    /** The absolute path of {@code program} (for example {@code "pg_ctl"}, {@code "psql"}). */
    public Path tool(String program) {
        Path candidate = bindir.resolve(program);
        if (Files.isExecutable(candidate)) {
            return candidate;
        }
        return onPath(program).orElseThrow(() -> new TestkitException("program " + program + " not found in "
                + bindir + " nor on PATH (install postgresql and postgresql-contrib, or set PG_BINDIR)"));
    }

    /** The first executable {@code program} in a directory of {@code $PATH}. */
    static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static PgBinaries locate() {
        String override = System.getenv("PG_BINDIR");
        if (override != null && !override.isBlank()) {
            return new PgBinaries(Path.of(override));
        }
        if (!Files.isDirectory(DEBIAN_ROOT)) {
            throw new TestkitException("no PostgreSQL under " + DEBIAN_ROOT + " (install postgresql or set PG_BINDIR)");
        }
        try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
            return versions.filter(dir -> Files.isExecutable(dir.resolve("bin/postgres")))
                    .max(Comparator.comparing(PgBinaries::majorVersion))
                    .map(dir -> new PgBinaries(dir.resolve("bin")))
                    .orElseThrow(() -> new TestkitException("no " + DEBIAN_ROOT + "/*/bin/postgres"
                            + " (install postgresql or set PG_BINDIR)"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DEBIAN_ROOT, e);
        }
    }

    /** "15" → 15.0, "9.6" → 9.6: numeric, so that 10 sorts after 9.6. */
    private static double majorVersion(Path dir) {
        try {
            return Double.parseDouble(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final class Holder {
        static final PgBinaries INSTANCE = locate();
    }
}
