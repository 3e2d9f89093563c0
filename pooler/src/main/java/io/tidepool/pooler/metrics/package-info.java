/**
 * Tidepool's counters and their exposition. {@link io.tidepool.pooler.metrics.PoolStats} holds the plain per-pool
 * totals each event loop updates at ReadyForQuery and link points (no allocation, no atomics);
 * {@link io.tidepool.pooler.metrics.PoolerMetrics} owns the one Micrometer registry (timers with percentiles, auth
 * failures, errors by SQLSTATE class, per-pool gauges); {@link io.tidepool.pooler.metrics.MetricsServer} serves
 * {@code /metrics}, {@code /health/live} and {@code /health/ready}. The admin console reads the same counters.
 */
@NullMarked
package io.tidepool.pooler.metrics;

import org.jspecify.annotations.NullMarked;
