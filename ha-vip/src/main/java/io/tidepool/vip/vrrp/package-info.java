/**
 * VRRP advertisements on the wire: the {@link io.tidepool.vip.vrrp.VrrpAdvertisement} record with its v2 (RFC 3768,
 * keepalived's {@code auth_type PASS}) and v3 (RFC 5798/9568) encodings, the RFC 1071 checksum in its three forms,
 * and {@link io.tidepool.vip.vrrp.AdvertFilter}, which validates a received IPv4 packet in place and counts every
 * drop by its {@link io.tidepool.vip.vrrp.DropReason}. Pure code, no I/O.
 */
@NullMarked
package io.tidepool.vip.vrrp;

import org.jspecify.annotations.NullMarked;
