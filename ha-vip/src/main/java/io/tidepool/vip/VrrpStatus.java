package io.tidepool.vip;

import io.tidepool.vip.state.VrrpState;
import io.tidepool.vip.vrrp.DropReason;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of one VRRP instance for {@code SHOW VRRP} and metrics. Immutable; built on any thread by
 * {@link VrrpInstance#status()}.
 *
 * @param virtualRouterId           the VRID
 * @param interfaceName             the VRRP interface
 * @param state                     current state
 * @param basePriority              configured priority
 * @param effectivePriority         base plus track weights, clamped to 1..254 (255 for the owner)
 * @param masterIp                  the current master's address (ours when MASTER), or null when unknown
 * @param advertIntervalCentis      our advert interval
 * @param masterAdvertIntervalCentis the interval the current master advertises (v3 learns it)
 * @param lastTransition            when the last state change happened
 * @param lastTransitionReason      why
 * @param advertsReceived           packets read from the VRRP socket (accepted + dropped)
 * @param advertsSent               adverts sent (each unicast peer counts)
 * @param dropped                   drops by reason (only non-zero counters)
 */
public record VrrpStatus(int virtualRouterId, String interfaceName, VrrpState state, int basePriority,
                         int effectivePriority, @Nullable Inet4Address masterIp, int advertIntervalCentis,
                         int masterAdvertIntervalCentis, Instant lastTransition, String lastTransitionReason,
                         long advertsReceived, long advertsSent, Map<DropReason, Long> dropped) {
    public VrrpStatus {
        dropped = Map.copyOf(dropped);
    }

    /** Sum of all drop counters. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
}
