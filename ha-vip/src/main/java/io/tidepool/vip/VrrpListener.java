package io.tidepool.vip;

import io.tidepool.vip.state.VrrpState;

/**
 * Hook for metrics and the pooler ("the losing pooler closes sessions it accepted on the VIP"). Called on the VRRP
 * thread: return quickly and never block; hand work to another thread.
 */
@FunctionalInterface
public interface VrrpListener {
    /** The instance moved from {@code from} to {@code to}; {@code status} is already the new state. */
    void onTransition(VrrpState from, VrrpState to, String reason, VrrpStatus status);
}
