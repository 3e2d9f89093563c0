package io.tidepool.pooler.app;

import io.tidepool.pooler.config.Config;
import io.tidepool.vip.VrrpInstance;
import io.tidepool.vip.config.VrrpConfig;
import io.tidepool.vip.track.HealthSource;
import org.jspecify.annotations.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the VRRP speaker (module ha-vip) from a configuration's {@code [vrrp]} and {@code [vrrp_script NAME]}
 * sections, read by the same ini parser as everything else.
 */
final class VrrpSetup {
    private static final String SCRIPT_PREFIX = "vrrp_script ";

    private VrrpSetup() {
    }

    /** The parsed [vrrp] section, or null when the file has none. */
    static @Nullable VrrpConfig parse(Config config) {
        Map<String, String> vrrp = config.section("vrrp");
        if (vrrp.isEmpty()) {
            return null;
        }
        Map<String, Map<String, String>> scripts = new LinkedHashMap<>();
        config.extraSections().forEach((name, section) -> {
            if (name.startsWith(SCRIPT_PREFIX)) {
                scripts.put(name.substring(SCRIPT_PREFIX.length()).strip(), section);
            }
        });
        return VrrpConfig.parse(vrrp, scripts);
    }

    static @Nullable VrrpInstance start(Config config, HealthSource health) {
        VrrpConfig vrrp = parse(config);
        return vrrp == null ? null : VrrpInstance.start(vrrp, health);
    }
}
