/**
 * The imperative shell of Tidepool's VRRP speaker: {@link io.tidepool.vip.VrrpInstance} runs one VRRP instance on its
 * own platform thread, feeding packets, timers and track results to the pure state machine and performing its actions
 * (adverts, VIPs, gratuitous ARP, notify scripts); {@link io.tidepool.vip.VrrpStatus} is the {@code SHOW VRRP}
 * snapshot; {@link io.tidepool.vip.VrrpMain} runs it standalone. Logging goes through {@link java.lang.System.Logger}
 * (name {@code io.tidepool.vip}), which the pooler routes to SLF4J.
 */
@NullMarked
package io.tidepool.vip;

import org.jspecify.annotations.NullMarked;
