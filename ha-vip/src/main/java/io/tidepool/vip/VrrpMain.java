package io.tidepool.vip;

import io.tidepool.vip.config.IniSections;
import io.tidepool.vip.config.VrrpConfig;
import io.tidepool.vip.track.HealthSource;
import java.nio.file.Path;
import java.util.Map;

/**
 * Standalone VRRP daemon: {@code java --enable-native-access=ALL-UNNAMED -cp ... io.tidepool.vip.VrrpMain FILE}, where
 * FILE has a {@code [vrrp]} section and optional {@code [vrrp_script NAME]} sections. Runs until SIGTERM/SIGINT, then
 * stops gracefully (priority 0, VIPs removed). Exit status 2 for a bad configuration, 1 for a start-up failure.
 */
public final class VrrpMain {
    private VrrpMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: VrrpMain CONFIG.ini");
            System.exit(2);
        }
        VrrpConfig config;
        try {
            var sections = IniSections.read(Path.of(args[0]));
            config = VrrpConfig.parse(sections.getOrDefault("vrrp", Map.of()), IniSections.scripts(sections));
        } catch (IllegalArgumentException e) {
            System.err.println("tidepool vrrp: " + e.getMessage());
            System.exit(2);
            return;
        }
        VrrpInstance instance;
        try {
            instance = VrrpInstance.start(config, HealthSource.NONE);
        } catch (RuntimeException e) {
            System.err.println("tidepool vrrp: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "vrrp-shutdown"));
        Thread.currentThread().join();
    }
}
