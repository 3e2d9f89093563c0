package io.tidepool.vip.state;

/**
 * The static parameters of one VRRP instance as the state machine needs them.
 *
 * @param version             2 (RFC 3768) or 3 (RFC 5798)
 * @param basePriority        configured priority, 1..255 (255 = address owner)
 * @param advertIntervalCentis our Advertisement_Interval in centiseconds (v2: whole seconds, so a multiple of 100)
 * @param primaryIp           our primary address, for the equal-priority tie-break (RFC 5798 §6.4.3)
 * @param preempt             Preempt_Mode (keepalived {@code nopreempt} sets it false)
 * @param preemptDelayNanos   keepalived {@code preempt_delay}: time after start-up, or after first seeing a lower
 *                            priority master, during which a backup does not preempt; 0 = none
 * @param answerLowerPriority RFC 9568 §6.4.3: a master answers a lower-priority advert at once (advert + GARP)
 */
public record Settings(int version, int basePriority, int advertIntervalCentis, int primaryIp, boolean preempt,
                       long preemptDelayNanos, boolean answerLowerPriority) {
    public Settings {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version: " + version + " (expected: 2 or 3)");
        }
        if (basePriority < 1 || basePriority > 255) {
            throw new IllegalArgumentException("priority: " + basePriority + " (expected: 1..255)");
        }
        if (advertIntervalCentis < 1 || advertIntervalCentis > 4095 && version == 3) {
            throw new IllegalArgumentException("advert interval: " + advertIntervalCentis + " cs (expected: 1..4095)");
        }
        if (preemptDelayNanos < 0) {
            throw new IllegalArgumentException("preempt delay: " + preemptDelayNanos + " ns (expected: >= 0)");
        }
    }

    /** Whether this router owns the addresses (priority 255): it is never adjusted and starts as master. */
    public boolean owner() {
        return basePriority == 255;
    }

    /**
     * Skew_Time in nanoseconds. v3 (RFC 5798 §6.1): {@code ((256 - Priority) * Master_Adver_Interval) / 256}; v2 (RFC
     * 3768 §6.1): {@code (256 - Priority) / 256} seconds.
     */
    public long skewNanos(int priority, int masterAdverIntervalCentis) {
        return version == 3
                ? (256L - priority) * masterAdverIntervalCentis * 10_000_000L / 256
                : (256L - priority) * 1_000_000_000L / 256;
    }

    /** Master_Down_Interval in nanoseconds: {@code 3 * Master_Adver_Interval + Skew_Time}. */
    public long masterDownNanos(int priority, int masterAdverIntervalCentis) {
        return 3L * masterAdverIntervalCentis * 10_000_000L + skewNanos(priority, masterAdverIntervalCentis);
    }
}
