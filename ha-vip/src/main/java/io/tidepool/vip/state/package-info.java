/**
 * The pure VRRP state machine of RFC 5798 §6.4 (with RFC 9568's and keepalived's refinements): {@link
 * io.tidepool.vip.state.Event}s in, {@link io.tidepool.vip.state.Action}s out, time from an injected {@link
 * io.tidepool.vip.state.Clock}. No I/O, no threads: the shell in {@code io.tidepool.vip} performs the actions.
 */
@NullMarked
package io.tidepool.vip.state;

import org.jspecify.annotations.NullMarked;
