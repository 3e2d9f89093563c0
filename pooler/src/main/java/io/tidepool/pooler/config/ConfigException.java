package io.tidepool.pooler.config;

import java.io.Serial;
import java.util.List;

/**
 * A configuration problem: a bad value, a syntax error, a missing include, a key that cannot be changed at run time.
 * Carries every problem found (the loader collects them all rather than stopping at the first), each already in
 * the form {@code file:line: key: "value" (expected: ...)} or {@code key: "value" (expected: ...)}.
 *
 * <p>Unchecked so that {@link Setting#parse} can be used in lambdas; callers that load files (startup, RELOAD, SIGHUP,
 * admin {@code SET}) are expected to catch it and report {@link #problems()}. Immutable; any thread.
 */
public final class ConfigException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public ConfigException(List<String> problems) {
        super(problems.size() == 1 ? problems.getFirst()
                : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: [] (expected: at least one)");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in file order. Never empty. */
    public List<String> problems() {
        return problems;
    }
}
