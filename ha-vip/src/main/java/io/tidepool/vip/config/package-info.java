/**
 * The {@code [vrrp]} and {@code [vrrp_script NAME]} sections of Tidepool's ini file, with keepalived's key names,
 * turned into the immutable {@link io.tidepool.vip.config.VrrpConfig}. Pure: the pooler's ini reader hands in the
 * raw sections; {@link io.tidepool.vip.config.IniSections} reads a standalone file for {@code tidepool vrrp}.
 */
@NullMarked
package io.tidepool.vip.config;

import org.jspecify.annotations.NullMarked;
