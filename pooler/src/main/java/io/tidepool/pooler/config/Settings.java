package io.tidepool.pooler.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of every {@code [pgbouncer]} key's value (defaults filled in). Created by {@link ConfigLoader}
 * and by {@link #with} (admin {@code SET}); shared between threads freely. A value is always present: {@link #get}
 * never returns null.
 */
public final class Settings {
    private static final Settings DEFAULTS = new Settings(Map.of());

    /** Only keys set explicitly; everything else is the key's default. */
    private final Map<Setting<?>, Object> values;

    private Settings(Map<Setting<?>, Object> values) {
        this.values = Map.copyOf(values);
    }

    /** PgBouncer's defaults (with Tidepool's documented deviations, see {@link Keys}). */
    public static Settings defaults() {
        return DEFAULTS;
    }

    static Settings of(Map<Setting<?>, Object> explicitValues) {
        return explicitValues.isEmpty() ? DEFAULTS : new Settings(explicitValues);
    }

    public <T> T get(Setting<T> key) {
        @SuppressWarnings("unchecked")
        var value = (T) values.get(key);
        return value != null ? value : key.defaultValue();
    }

    /** Whether the key was set (to any value, even its default) rather than left to default. */
    public boolean isExplicit(Setting<?> key) {
        return values.containsKey(key);
    }

    /**
     * The value as SHOW CONFIG prints it; secrets print as the empty string.
     *
     * @throws ConfigException for an unknown key
     */
    public String formatted(String name) {
        var key = Keys.byName(name).orElseThrow(() -> unknown(name));
        return key.secret() ? "" : key.formatUnchecked(get(key));
    }

    /**
     * A snapshot with one value changed, for the admin console's {@code SET key = value}.
     *
     * @throws ConfigException for an unknown key, a key that needs a restart, or a bad value
     */
    public Settings with(String name, String value) {
        var key = Keys.byName(name.strip()).orElseThrow(() -> unknown(name));
        if (!key.reloadable()) {
            throw new ConfigException(key.name() + ": cannot be changed at run time (restart needed)");
        }
        var copy = new HashMap<>(values);
        copy.put(key, key.parse(value.strip()));
        return new Settings(copy);
    }

    /** A snapshot with {@code key} set to the value it has in {@code other} (used by reloads to keep restart keys). */
    Settings withValueOf(Setting<?> key, Settings other) {
        var copy = new HashMap<>(values);
        if (other.values.containsKey(key)) {
            copy.put(key, other.values.get(key));
        } else {
            copy.remove(key);
        }
        return new Settings(copy);
    }

    /** Every key, in PgBouncer's SHOW CONFIG order (by name). */
    public List<Setting<?>> all() {
        return Keys.all();
    }

    private static ConfigException unknown(String name) {
        return new ConfigException("unknown parameter: " + name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings other && all().stream().allMatch(k -> Objects.equals(get(k), other.get(k)));
    }

    @Override
    public int hashCode() {
        return all().stream().mapToInt(k -> Objects.hashCode(get(k))).sum();
    }

    @Override
    public String toString() {
        var sb = new StringBuilder("Settings[");
        values.keySet().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(k -> sb.append(k.name())
                .append('=').append(k.secret() ? "(hidden)" : k.formatUnchecked(values.get(k))).append(", "));
        return sb.append(']').toString();
    }
}
