package io.tidepool.vip.track;

/**
 * The pooler's own health, tracked like a weighted keepalived {@code vrrp_script}: while it is FAILED (after
 * {@code health_fall} failed checks) the instance's effective priority drops by {@code health_weight}, so a healthy
 * peer takes the VIP; it never causes FAULT, so two unhealthy nodes still leave the VIP somewhere (RELIABILITY 57).
 *
 * <p>Implemented by the pooler ("accepting clients and a primary reachable"). {@link #healthy()} is called every
 * {@code health_interval} on a virtual thread owned by the VRRP instance; a call that throws or outlives
 * {@code health_timeout} counts as a failure.
 */
@FunctionalInterface
public interface HealthSource {
    /** No health input: the effective priority depends on track scripts alone. */
    HealthSource NONE = () -> true;

    /** Whether this instance should hold the VIP. May block up to the configured timeout. */
    boolean healthy() throws Exception;
}
