/**
 * Issue 6 end to end: two {@code bin/tidepool run} processes, each in its own network namespace of a test-kit {@link
 * io.tidepool.testkit.NetNs} lab, share a VRRP virtual address in front of one real PostgreSQL in the root namespace;
 * a client namespace connects through the VIP with psql while the master is killed or stopped. Timings are printed,
 * never asserted. Needs root; skipped otherwise.
 */
@NullMarked
package io.tidepool.pooler.it.vip;

import org.jspecify.annotations.NullMarked;
