package io.tidepool.pooler.it;

import io.tidepool.testkit.PgTarget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second client that runs {@code SELECT 1} in a loop over its own JDBC connection through Tidepool while a test
 * attacks the pooler, and proves it was unaffected: {@link #assertUnaffected()} requires no failure and some
 * queries answered during the attack. Started and stopped by the test's thread; the loop runs on its own thread.
 */
public final class Bystander implements AutoCloseable {
    private final Connection connection;
    private final Thread thread;
    private final AtomicLong answered = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private Bystander(Connection connection) {
        this.connection = connection;
        this.thread = Thread.ofPlatform().name("bystander").daemon().start(this::loop);
    }

    public static Bystander start(PgTarget target) throws SQLException {
        Bystander bystander = new Bystander(target.connect());
        bystander.awaitAnswers(1);
        return bystander;
    }

    private void loop() {
        try (Statement statement = connection.createStatement()) {
            while (running) {
                try (ResultSet rs = statement.executeQuery("SELECT 1")) {
                    if (!rs.next() || rs.getInt(1) != 1) {
                        failures.add("SELECT 1 returned no 1");
                    }
                }
                answered.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (SQLException e) {
            failures.add(e.getSQLState() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long answered() {
        return answered.get();
    }

    /** Waits (up to 10 s) until at least {@code more} further queries were answered. */
    public void awaitAnswers(long more) {
        long target = answered.get() + more;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (answered.get() < target && failures.isEmpty() && System.nanoTime() < deadline) {
            RawClient.sleep(java.time.Duration.ofMillis(5));
        }
    }

    /** Fails unless the loop ran without error and kept answering; a few more answers are awaited first. */
    public void assertUnaffected() {
        long before = answered.get();
        awaitAnswers(5);
        assertThat(failures).as("bystander failures").isEmpty();
        assertThat(answered.get()).as("bystander answers after the attack").isGreaterThanOrEqualTo(before + 5);
    }

    @Override
    public void close() throws SQLException {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
