/**
 * Issue 5 acceptance against real PostgreSQL: an in-process Tidepool routing over a primary with two streaming
 * standbys from the test kit (read spreading, lag exclusion, failover under load, fencing, switchover) and the
 * backend faults of RELIABILITY.md cases 36-38, 40, 41 and 43. Timings are printed, never asserted.
 */
@NullMarked
package io.tidepool.pooler.it.routing;

import org.jspecify.annotations.NullMarked;
