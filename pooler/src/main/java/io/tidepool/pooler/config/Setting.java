package io.tidepool.pooler.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A typed description of one configuration key: its PgBouncer name, default, parser, SHOW CONFIG formatter and
 * whether it may change without a restart. The constants live in {@link Keys}; values live in {@link Settings}.
 * Immutable; any thread.
 *
 * <p>Parsers follow PgBouncer's {@code cfparser.c}: integers as C {@code strtol(s, 0)} (so {@code 0x1f} and the octal
 * {@code 0777} work), times as non-negative decimal seconds with fractions ({@code CF_TIME_USEC}, microsecond
 * precision), look-ups case-insensitive. Tidepool is stricter in one way: every number has a range, so a typo such as
 * {@code default_pool_size = 20000000} is an error at load time instead of a surprise at run time.
 *
 * @param <T> the Java type of the value
 */
public final class Setting<T> {
    /** Longest time accepted anywhere: 10 years, far above any sensible timeout and far below overflow. */
    static final long MAX_SECONDS = 10L * 366 * 24 * 3600;

    private static final Pattern DECIMAL = Pattern.compile("[0-9]*(\\.[0-9]*)?([eE][+-]?[0-9]{1,3})?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)");

    private final String name;
    private final T defaultValue;
    private final Function<String, @Nullable T> parser;
    private final Function<T, String> formatter;
    private final String expected;
    private final boolean reloadable;
    private final boolean secret;

    private Setting(String name, T defaultValue, Function<String, @Nullable T> parser, Function<T, String> formatter,
            String expected, boolean reloadable, boolean secret) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
        this.parser = parser;
        this.formatter = formatter;
        this.expected = expected;
        this.reloadable = reloadable;
        this.secret = secret;
    }

    /** An integer in {@code min..max}, C {@code strtol} syntax (decimal, {@code 0x} hex, leading-zero octal). */
    public static Setting<Integer> integer(String name, int defaultValue, int min, int max, boolean reloadable) {
        return new Setting<>(name, defaultValue, s -> {
            Long v = parseCLong(s);
            return v != null && v >= min && v <= max ? (int) (long) v : null;
        }, String::valueOf, "an integer " + min + ".." + max, reloadable, false);
    }

    /** Like {@link #integer} but printed in octal with a leading zero ({@code unix_socket_mode = 0777}). */
    public static Setting<Integer> octal(String name, int defaultValue, int max, boolean reloadable) {
        return new Setting<>(name, defaultValue, s -> {
            Long v = parseCLong(s);
            return v != null && v >= 0 && v <= max ? (int) (long) v : null;
        }, v -> "0" + Integer.toOctalString(v), "an octal mode 0..0" + Integer.toOctalString(max), reloadable, false);
    }

    /**
     * A boolean. PgBouncer stores these as C ints (any integer, non-zero = on); Tidepool also accepts the usual
     * words. Printed as {@code 0}/{@code 1}, as PgBouncer's SHOW CONFIG does.
     */
    public static Setting<Boolean> bool(String name, boolean defaultValue, boolean reloadable) {
        return new Setting<>(name, defaultValue, Setting::parseBoolean, v -> v ? "1" : "0",
                "a boolean: 0, 1, yes, no, on, off, true or false", reloadable, false);
    }

    /** Free text; the empty string means "not set". */
    public static Setting<String> string(String name, String defaultValue, boolean reloadable) {
        return new Setting<>(name, defaultValue, s -> s, s -> s, "text", reloadable, false);
    }

    /** Free text never printed (SHOW CONFIG shows it empty), for values that may embed passwords. */
    public static Setting<String> secretString(String name, String defaultValue, boolean reloadable) {
        return new Setting<>(name, defaultValue, s -> s, s -> s, "text", reloadable, true);
    }

    /** A comma-separated list; blanks around items are dropped, as PgBouncer's {@code strlist} parsing does. */
    public static Setting<List<String>> list(String name, List<String> defaultValue, boolean reloadable) {
        return new Setting<>(name, List.copyOf(defaultValue), Setting::parseList, v -> String.join(",", v),
                "a comma-separated list", reloadable, false);
    }

    /** Seconds with fractions ({@code 0.5}), PgBouncer's {@code CF_TIME_USEC}; kept to the microsecond. */
    public static Setting<Duration> seconds(String name, Duration defaultValue, boolean reloadable) {
        return new Setting<>(name, defaultValue, Setting::parseSeconds, Setting::formatSeconds,
                "seconds >= 0, fractions allowed, e.g. 0.5", reloadable, false);
    }

    /** Whole seconds in {@code min..max}: keys that PgBouncer stores as a C int of seconds. */
    public static Setting<Duration> wholeSeconds(String name, Duration defaultValue, int min, int max,
            boolean reloadable) {
        return new Setting<>(name, defaultValue, s -> {
            Long v = parseCLong(s);
            return v != null && v >= min && v <= max ? Duration.ofSeconds(v) : null;
        }, d -> String.valueOf(d.toSeconds()), "whole seconds " + min + ".." + max, reloadable, false);
    }

    /** Whole milliseconds in {@code 0..max}: keys that PgBouncer stores as a C int of milliseconds. */
    public static Setting<Duration> millis(String name, Duration defaultValue, int max, boolean reloadable) {
        return new Setting<>(name, defaultValue, s -> {
            Long v = parseCLong(s);
            return v != null && v >= 0 && v <= max ? Duration.ofMillis(v) : null;
        }, d -> String.valueOf(d.toMillis()), "milliseconds 0.." + max, reloadable, false);
    }

    /** One of a fixed set of names, case-insensitive. {@code lookup} returns null for unknown names. */
    public static <E extends Enum<E>> Setting<E> choice(String name, E defaultValue,
            Function<String, @Nullable E> lookup, Function<E, String> formatter, boolean reloadable) {
        var names = Arrays.stream(defaultValue.getDeclaringClass().getEnumConstants()).map(formatter).toList();
        var expected = String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        return new Setting<>(name, defaultValue, lookup, formatter, expected, reloadable, false);
    }

    /** The PgBouncer key, lower case, e.g. {@code default_pool_size}. */
    public String name() {
        return name;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** Whether RELOAD or admin {@code SET} may change it (PgBouncer's SHOW CONFIG {@code changeable} column). */
    public boolean reloadable() {
        return reloadable;
    }

    /** Whether the value must never be printed (SHOW CONFIG, logs, diffs). */
    public boolean secret() {
        return secret;
    }

    /** What a valid value looks like, as used in error texts: {@code an integer 0..10000}. */
    public String expected() {
        return expected;
    }

    /**
     * Parses a value as written in the ini file (already trimmed by the loader).
     *
     * @throws ConfigException {@code default_pool_size: "abc" (expected: an integer 0..10000)}
     */
    public T parse(String value) {
        T parsed;
        try {
            parsed = parser.apply(value);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            parsed = null;     // a parser's own complaint (number overflow, ...) is reported as the generic text below
        }
        if (parsed == null) {
            var shown = secret ? "(hidden)" : "\"" + value + "\"";
            throw new ConfigException(name + ": " + shown + " (expected: " + expected + ")");
        }
        return parsed;
    }

    /** The value as SHOW CONFIG prints it. Secrets are formatted too; hiding them is the printer's job. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** {@link #format} for a value known only as {@code Object} (it must have come from this setting). */
    String formatUnchecked(Object value) {
        @SuppressWarnings("unchecked")
        var typed = (T) value;
        return format(typed);
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- parsers shared by Keys and the connection-string parser -------------------------------------------------

    /** C {@code strtol(s, NULL, 0)} restricted to the whole string; null if malformed or beyond {@code long}. */
    static @Nullable Long parseCLong(String s) {
        var t = s.strip();
        if (!INTEGER.matcher(t).matches()) {
            return null;
        }
        boolean negative = t.startsWith("-");
        var digits = t.startsWith("+") || negative ? t.substring(1) : t;
        int radix = 10;
        if (digits.length() > 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
            digits = digits.substring(2);
            radix = 16;
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
        }
        if (digits.length() > 18) {
            return null;        // beyond any range we accept; avoids overflow handling
        }
        try {
            long v = Long.parseLong(digits, radix);
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            return null;        // e.g. "09": not octal, as strtol would stop at '9'
        }
    }

    static @Nullable Boolean parseBoolean(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "1", "yes", "on", "true" -> true;
            case "0", "no", "off", "false" -> false;
            default -> {
                Long v = parseCLong(s);
                yield v == null ? null : v != 0;
            }
        };
    }

    static @Nullable Duration parseSeconds(String s) {
        var t = s.strip();
        if (t.isEmpty() || t.equals(".") || !DECIMAL.matcher(t).matches() || t.startsWith("e") || t.startsWith("E")
                || t.startsWith(".e") || t.startsWith(".E")) {
            return null;
        }
        var seconds = new BigDecimal(t);
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            return null;
        }
        // CF_TIME_USEC stores (usec_t)(USEC * v): truncated to the microsecond.
        long micros = seconds.movePointRight(6).longValue();
        return Duration.ofSeconds(micros / 1_000_000, (micros % 1_000_000) * 1000);
    }

    /** Seconds as PgBouncer's {@code %g} prints them for ordinary values: {@code 3600}, {@code 0.5}. */
    static String formatSeconds(Duration d) {
        return new BigDecimal(d.toSeconds()).add(BigDecimal.valueOf(d.toNanosPart(), 9)).stripTrailingZeros()
                .toPlainString();
    }

    static List<String> parseList(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }
}
