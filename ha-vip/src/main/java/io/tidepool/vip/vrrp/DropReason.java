package io.tidepool.vip.vrrp;

/**
 * Why a received packet was discarded before it reached the state machine (RFC 5798 §7.1, RFC 3768 §7.1, and
 * keepalived's {@code vrrp_check_packet}). Each constant is a counter in {@link AdvertFilter} and in {@code SHOW VRRP}.
 */
public enum DropReason {
    /** Shorter than an IPv4 header plus the smallest advertisement, or the IP header is malformed. */
    SHORT,
    /** IP TTL is not 255 on a multicast advert (RFC 5798 §7.1; not checked for unicast, as keepalived). */
    TTL,
    /** Version nibble is not the configured version. */
    VERSION,
    /** Type nibble is not 1 (ADVERTISEMENT). */
    TYPE,
    /** VRID differs from ours. Not an error on a shared LAN, but still not ours. */
    VRID,
    /** The RFC 1071 checksum fails in every accepted form. */
    CHECKSUM,
    /** Length does not match the address count (Ethernet padding after it is allowed). */
    LENGTH,
    /** v2 auth type or data differ from ours (keepalived {@code auth_type PASS}). */
    AUTH,
    /** Address count differs from our virtual_ipaddress list and the sender is not the owner (255). */
    ADDRESS_COUNT,
    /** An advertised address is not in our list and the sender is not the owner (255). */
    ADDRESS_LIST,
    /** v2 only: Adver Int differs from ours (RFC 3768 §7.1 MUST discard). */
    INTERVAL,
    /** Unicast mode: the source is not one of the configured unicast_peer addresses. */
    NOT_A_PEER,
    /** The packet is our own (multicast loop or a unicast reflection). */
    OWN_ADVERT
}
