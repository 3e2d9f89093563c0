/**
 * Health tracking with keepalived's semantics: {@code vrrp_script} track scripts ({@link
 * io.tidepool.vip.track.ScriptSpec}, rise/fall in {@link io.tidepool.vip.track.RiseFall}), the pooler's own {@link
 * io.tidepool.vip.track.HealthSource}, their aggregation into an effective priority or FAULT ({@link
 * io.tidepool.vip.track.Tracker}), and notify scripts ({@link io.tidepool.vip.track.NotifyRunner}). Checks run on
 * virtual threads with timeouts; the VRRP thread only reads the published result.
 */
@NullMarked
package io.tidepool.vip.track;

import org.jspecify.annotations.NullMarked;
