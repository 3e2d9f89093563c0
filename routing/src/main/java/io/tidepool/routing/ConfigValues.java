package io.tidepool.routing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of a raw ini section for {@link RoutingConfig}; each read removes its key so that what is left at the
 * end is the unknown keys. Errors name the key, the value and what was expected. Used on one thread.
 */
final class ConfigValues {
    private static final long MAX_SECONDS = 86_400L * 365;

    private final Map<String, String> keys;

    ConfigValues(Map<String, String> keys) {
        this.keys = keys;
    }

    String string(String key, String fallback) {
        String value = keys.remove(key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    @Nullable String optionalString(String key) {
        String value = keys.remove(key);
        return value == null || value.isBlank() ? null : value.strip();
    }

    int integer(String key, int fallback) {
        String value = keys.remove(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw bad(key, value, "an integer");
        }
    }

    boolean bool(String key, boolean fallback) {
        String value = keys.remove(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "yes", "on", "true" -> true;
            case "0", "no", "off", "false" -> false;
            default -> throw bad(key, value, "yes/no, on/off, true/false or 1/0");
        };
    }

    /** Seconds with an optional fraction, or a number with ms, s or min. */
    Duration duration(String key, Duration fallback) {
        String value = keys.remove(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String text = value.strip().toLowerCase(Locale.ROOT);
        long unitMillis = 1000;
        if (text.endsWith("ms")) {
            unitMillis = 1;
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("min")) {
            unitMillis = 60_000;
            text = text.substring(0, text.length() - 3);
        } else if (text.endsWith("s")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            BigDecimal number = new BigDecimal(text.strip());
            BigDecimal millis = number.multiply(BigDecimal.valueOf(unitMillis));
            if (number.signum() < 0 || millis.compareTo(BigDecimal.valueOf(MAX_SECONDS * 1000)) > 0) {
                throw bad(key, value, "a duration from 0 to one year");
            }
            return Duration.ofNanos(millis.movePointRight(6).longValue());
        } catch (NumberFormatException e) {
            throw bad(key, value, "seconds like 1 or 0.5, or a number with ms, s or min");
        }
    }

    /** Bytes with an optional kB, MB or GB (1024-based). */
    long size(String key, long fallback) {
        String value = keys.remove(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String text = value.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        int shift = lower.endsWith("kb") ? 10 : lower.endsWith("mb") ? 20 : lower.endsWith("gb") ? 30 : 0;
        if (shift > 0) {
            text = text.substring(0, text.length() - 2).strip();
        }
        try {
            long number = Long.parseLong(text);
            if (number < 0 || number > (Long.MAX_VALUE >> shift)) {
                throw bad(key, value, "a size from 0 to 8EB");
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw bad(key, value, "bytes, optionally with kB, MB or GB");
        }
    }

    private static IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException(key + ": \"" + value + "\" (expected: " + expected + ")");
    }
}
