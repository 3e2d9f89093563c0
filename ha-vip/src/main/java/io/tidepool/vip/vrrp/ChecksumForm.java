package io.tidepool.vip.vrrp;

/**
 * Which bytes the VRRP checksum covers. See VRRP-NOTES §2.3: keepalived 2.2.7 (and Wireshark) prepend an IPv4
 * pseudo-header for v3; RFC 9568 §5.2.8 says the pseudo-header is for IPv6 only. A sender picks one form; a receiver
 * accepts both for v3 so that neither a Cisco/FRR peer nor keepalived causes two masters.
 */
public enum ChecksumForm {
    /** Sum over the VRRP message only: always for v2, and RFC 9568 for IPv4 v3 ({@code v3_checksum_as_v2}). */
    MESSAGE_ONLY,
    /** Sum over {@code src(4) dst(4) 0 112 length(2)} and the message: keepalived's default v3 form (RFC 5798). */
    IPV4_PSEUDO_HEADER
}
