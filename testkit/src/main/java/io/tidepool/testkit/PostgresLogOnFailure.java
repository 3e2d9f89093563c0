package io.tidepool.testkit;

import java.io.PrintStream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 extension that prints the tail of every server log when a test fails: the sources still running
 * ({@link ServerLogs#live()}: shared clusters, clusters held in fields, PgBouncer, Tidepool) and those that the test
 * closed before JUnit saw the failure ({@link ServerLogs#closedSince(long)}). Output goes to stderr, which Surefire
 * and Failsafe keep in the test report. Register with {@code @ExtendWith(PostgresLogOnFailure.class)}. Stateless
 * apart from a mark in the test's extension store; JUnit calls it on the test's thread.
 */
public final class PostgresLogOnFailure implements BeforeEachCallback, TestWatcher {
    private static final int LINES = 60;
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresLogOnFailure.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("mark", ServerLogs.mark());
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Long mark = context.getStore(NAMESPACE).get("mark", Long.class);
        PrintStream err = System.err;
        err.println("==== server logs for failed test " + context.getDisplayName() + " ====");
        for (LogSource source : ServerLogs.live()) {
            err.println("---- " + source.logName() + " (running) ----");
            err.println(source.logTail(LINES));
        }
        for (ServerLogs.Snapshot closed : ServerLogs.closedSince(mark == null ? Long.MAX_VALUE : mark)) {
            err.println("---- " + closed.name() + " (closed during the test) ----");
            err.println(closed.tail());
        }
        err.println("==== end of server logs ====");
    }
}
