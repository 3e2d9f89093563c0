package io.tidepool.pooler.metrics;

/**
 * One pool's state and totals at one instant, as the scrape endpoint publishes it (SHOW POOLS plus SHOW
 * STATS_TOTALS figures for one database/user pair). Immutable; built by whoever reads the pools on their loops.
 */
public record PoolFigures(String database, String user, int clActive, int clWaiting, int svActive, int svIdle,
                          int svUsed, int svTested, int svLogin, double maxWaitSeconds, StatsTotals totals) {
}
