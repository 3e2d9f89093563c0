package io.tidepool.vip.track;

import java.time.Duration;

/**
 * A keepalived {@code vrrp_script}: a command, how often and how long it may run, and what its failure means.
 *
 * @param name     the section name ({@code [vrrp_script NAME]})
 * @param script   run with {@code /bin/sh -c}; exit status 0 = success
 * @param interval time between starts (keepalived default 1 s)
 * @param timeout  a run still going after this is killed and counts as a failure (default: the interval)
 * @param weight   -253..253; 0 = failure means FAULT, &gt; 0 added while OK, &lt; 0 added while FAILED
 * @param rise     successes needed to become OK (default 1)
 * @param fall     failures needed to become FAILED (default 1)
 */
public record ScriptSpec(String name, String script, Duration interval, Duration timeout, int weight, int rise,
                         int fall) {
    public ScriptSpec {
        if (weight < -253 || weight > 253) {
            throw new IllegalArgumentException("vrrp_script " + name + " weight: " + weight + " (expected: -253..253)");
        }
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("vrrp_script " + name + " interval/timeout: " + interval + "/" + timeout
                    + " (expected: > 0)");
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("vrrp_script " + name + " rise/fall: " + rise + "/" + fall
                    + " (expected: >= 1)");
        }
    }
}
