package io.tidepool.pooler.config;

import java.util.Locale;

/**
 * A [databases] entry's {@code load_balance_hosts}: how new server connections pick among several hosts. PgBouncer's
 * default is {@link #ROUND_ROBIN}. (With Tidepool's routing, the role of each host also matters; routing decides.)
 */
public enum LoadBalanceHosts {
    DISABLE("disable"),
    ROUND_ROBIN("round-robin");

    private final String configName;

    LoadBalanceHosts(String configName) {
        this.configName = configName;
    }

    /** PgBouncer's spelling, as SHOW DATABASES prints it. */
    public String configName() {
        return configName;
    }

    static LoadBalanceHosts parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "disable" -> DISABLE;
            case "round-robin" -> ROUND_ROBIN;
            default -> throw new ConfigException("load_balance_hosts: \"" + value
                    + "\" (expected: disable or round-robin)");
        };
    }
}
