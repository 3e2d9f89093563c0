package io.tidepool.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) as the {@link ServerUser}, from the cluster
 * directory, with the caller's {@code PG*} environment removed so that nothing but the arguments decides what they
 * act on. Immutable; shared by a cluster and its nodes.
 */
final class ServerTools {
    private final PgBinaries binaries;
    private final ServerUser user;
    private final Path workDir;

    ServerTools(PgBinaries binaries, ServerUser user, Path workDir) {
        this.binaries = binaries;
        this.user = user;
        this.workDir = workDir;
    }

    PgBinaries binaries() {
        return binaries;
    }

    ServerUser user() {
        return user;
    }

    /** Runs {@code program args...}; the caller decides whether a failure is fatal. */
    ProcessResult run(Duration timeout, String program, Object... args) {
        List<String> command = new ArrayList<>();
        command.add(binaries.tool(program).toString());
        for (Object arg : args) {
            command.add(arg.toString());
        }
        return ProcessRunner.of(user.wrap(command))
                .directory(workDir)
                .dropInheritedEnv("PG")
                .env("LC_ALL", "C")
                .timeout(timeout)
                .run();
    }
}
