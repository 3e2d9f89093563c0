package io.tidepool.pooler.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;

/**
 * Keeps the formatted lines that Tidepool logs (logger {@code io.tidepool}) while attached, so a test can check that
 * a bad input was logged. Attached by {@link TidepoolFixture}; lines of every pooler in the JVM arrive here, so tests
 * match on something unique to their connection (its local port). Thread-safe: loggers call {@link #append} from the
 * event loops, tests read from their own thread.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final int MAX_LINES = 50_000;

    private final ConcurrentLinkedDeque<String> lines = new ConcurrentLinkedDeque<>();

    public static LogCapture attach() {
        LogCapture capture = new LogCapture();
        Logger logger = (Logger) LoggerFactory.getLogger("io.tidepool");
        capture.setContext(logger.getLoggerContext());
        capture.setName("tidepool-it-capture");
        capture.start();
        logger.addAppender(capture);
        return capture;
    }

    public void detach() {
        ((Logger) LoggerFactory.getLogger("io.tidepool")).detachAppender(this);
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.addLast(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage());
        while (lines.size() > MAX_LINES) {
            lines.pollFirst();
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits up to {@code timeout} for a line matching {@code filter}; returns it, or null if none came. */
    public @Nullable String await(Duration timeout, Predicate<String> filter) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : lines) {
                if (filter.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** The lines that mention {@code text} (for failure messages). */
    public List<String> linesWith(String text) {
        return lines.stream().filter(line -> line.contains(text)).toList();
    }

    public String tail(int count) {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()));
    }
}
