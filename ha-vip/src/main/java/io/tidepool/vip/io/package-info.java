/**
 * The operating-system side of VRRP on Linux, through java.lang.foreign (no native library): raw IPv4 sockets for IP
 * protocol 112 ({@link io.tidepool.vip.io.VrrpSocket}), virtual-address add/refresh/remove over rtnetlink with a finite
 * lifetime ({@link io.tidepool.vip.io.AddressManager}), gratuitous ARP from an AF_PACKET socket ({@link
 * io.tidepool.vip.io.GarpSender}) and interface lookup ({@link io.tidepool.vip.io.NetInterface}). Everything is opened
 * and linked at start-up; the per-packet paths reuse preallocated memory. Constants are Linux x86-64 (VRRP-NOTES §5.4).
 */
@NullMarked
package io.tidepool.vip.io;

import org.jspecify.annotations.NullMarked;
