package io.tidepool.testkit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Registered through {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, so every module
 * with testkit on its test class path gets it: installs {@link LeakDetection} when the session opens (before test
 * classes load), checks for leaks after each test class, and fails the run when the session closes if any class
 * leaked. A leak cannot fail the test that caused it (it surfaces only after a collection), so the report names the
 * class after which it was found.
 */
public final class LeakDetectionListener implements LauncherSessionListener {
    private final List<String> failures = new ArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (LeakDetection.install()) {
            session.getLauncher().registerTestExecutionListeners(new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.isContainer() && id.getSource().isPresent()
                            && id.getSource().get() instanceof ClassSource) {
                        checkAfter(id.getDisplayName());
                    }
                }
            });
        }
    }

    private synchronized void checkAfter(String scope) {
        try {
            LeakDetection.check(scope);
        } catch (AssertionError e) {
            System.err.println(e.getMessage());
            failures.add(e.getMessage());
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        checkAfter("the last test class");
        synchronized (this) {
            if (!failures.isEmpty()) {
                throw new AssertionError("Netty buffer leaks detected; failing the run:\n"
                        + String.join("\n", failures));
            }
        }
    }
}
