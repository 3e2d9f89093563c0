/**
 * The side-by-side load harness: {@link io.tidepool.perf.SideBySide} starts a throw-away PostgreSQL, Debian's
 * PgBouncer and Tidepool with the same pool size and authentication, runs the real {@code pgbench} against each (and
 * directly against PostgreSQL) with the same clients, threads and duration, and prints TPS, average and p99 latency
 * and the poolers' CPU time per transaction side by side. Figures are printed, never asserted (DESIGN: tests never
 * assert timings). Runs from a command line on one thread; nothing here is used by the pooler.
 */
@NullMarked
package io.tidepool.perf;

import org.jspecify.annotations.NullMarked;
