package io.tidepool.vip.config;

import io.tidepool.vip.track.ScriptSpec;
import io.tidepool.vip.vrrp.Ipv4;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One VRRP instance's configuration, with keepalived's key names (VRRP-NOTES §3), parsed from the {@code [vrrp]}
 * section and the {@code [vrrp_script NAME]} sections it names. Immutable; validated completely by {@link #parse}.
 *
 * @param interfaceName        {@code interface}: where adverts, VIPs and GARPs go
 * @param virtualRouterId      {@code virtual_router_id}, 1..255
 * @param priority             {@code priority}, 1..255 (default 100; 255 = address owner)
 * @param advertIntervalCentis {@code advert_int} in seconds (default 1; v3 allows 0.01 steps), kept in centiseconds
 * @param version              {@code version}: 3 (default; RFC 5798) or 2 (RFC 3768, keepalived 2.2.7's default)
 * @param virtualAddresses     {@code virtual_ipaddress}: one or more {@code a.b.c.d[/prefix]} (default /32)
 * @param unicastSrcIp         {@code unicast_src_ip}, or null for the interface's primary address
 * @param unicastPeers         {@code unicast_peer}: empty = multicast to 224.0.0.18
 * @param authPass             {@code auth_pass} (v2 only, keepalived {@code auth_type PASS}), or null
 * @param nopreempt            {@code nopreempt}
 * @param preemptDelay         {@code preempt_delay} (0..1000 s)
 * @param garpMasterRepeat     {@code garp_master_repeat}: GARPs per burst (default 5)
 * @param garpMasterDelay      {@code garp_master_delay}: delay of the second burst (default 5 s; 0 = none)
 * @param notifyMaster         {@code notify_master} command, or null
 * @param notifyBackup         {@code notify_backup} command, or null
 * @param notifyFault          {@code notify_fault} command, or null
 * @param notifyTimeout        {@code notify_timeout} (ours; default 10 s)
 * @param trackScripts         {@code track_script}: the named {@code [vrrp_script NAME]} sections
 * @param trackInterfaces      {@code track_interface}: link down on any means FAULT ({@code interface} always is)
 * @param checksumRfc9568      {@code checksum_rfc9568} (ours): send v3 checksums without the IPv4 pseudo-header
 * @param lowerPrioNoAdvert    {@code lower_prio_no_advert}: do not answer lower-priority adverts (pre-RFC 9568)
 * @param vipLifetimeSeconds   {@code vip_lifetime} (ours): valid_lft of the VIP, refreshed while master; 0 = forever
 * @param health               {@code health_interval/timeout/weight/rise/fall} (ours): how the pooler's
 *                             {@code HealthSource} is tracked
 */
public record VrrpConfig(String interfaceName, int virtualRouterId, int priority, int advertIntervalCentis,
                         int version, List<VirtualAddress> virtualAddresses, @Nullable Inet4Address unicastSrcIp,
                         List<Inet4Address> unicastPeers, @Nullable String authPass, boolean nopreempt,
                         Duration preemptDelay, int garpMasterRepeat, Duration garpMasterDelay,
                         @Nullable String notifyMaster, @Nullable String notifyBackup, @Nullable String notifyFault,
                         Duration notifyTimeout, List<ScriptSpec> trackScripts, List<String> trackInterfaces,
                         boolean checksumRfc9568, boolean lowerPrioNoAdvert, int vipLifetimeSeconds,
                         ScriptSpec health) {

    /** One {@code virtual_ipaddress} entry. */
    public record VirtualAddress(Inet4Address address, int prefixLength) {
        @Override
        public String toString() {
            return address.getHostAddress() + "/" + prefixLength;
        }
    }

    private static final Set<String> VRRP_KEYS = Set.of("interface", "virtual_router_id", "priority", "advert_int",
            "version", "virtual_ipaddress", "unicast_src_ip", "unicast_peer", "auth_type", "auth_pass", "nopreempt",
            "preempt_delay", "garp_master_repeat", "garp_master_delay", "notify_master", "notify_backup",
            "notify_fault", "notify_timeout", "track_script", "track_interface", "checksum_rfc9568",
            "lower_prio_no_advert", "vip_lifetime", "health_interval", "health_timeout", "health_weight",
            "health_rise", "health_fall");
    private static final Set<String> SCRIPT_KEYS = Set.of("script", "interval", "timeout", "weight", "rise", "fall");

    public VrrpConfig {
        virtualAddresses = List.copyOf(virtualAddresses);
        unicastPeers = List.copyOf(unicastPeers);
        trackScripts = List.copyOf(trackScripts);
        trackInterfaces = List.copyOf(trackInterfaces);
    }

    /** Whether adverts go to {@link #unicastPeers()} instead of the multicast group. */
    public boolean unicast() {
        return !unicastPeers.isEmpty();
    }

    /**
     * Builds the configuration from raw ini sections.
     *
     * @param vrrpSection    the keys of {@code [vrrp]}
     * @param scriptSections {@code [vrrp_script NAME]} sections keyed by NAME
     * @throws VrrpConfigException naming the section, key, value and what was expected
     */
    public static VrrpConfig parse(Map<String, String> vrrpSection, Map<String, Map<String, String>> scriptSections) {
        var in = new Section("[vrrp]", vrrpSection, VRRP_KEYS);
        int version = in.integer("version", 3, 2, 3);
        int priority = in.integer("priority", 100, 1, 255);
        int advert = in.centis("advert_int", "1", version);
        String authPass = in.text("auth_pass");
        String authType = in.text("auth_type");
        if (authType != null && !authType.equalsIgnoreCase("PASS")) {
            throw in.error("auth_type", authType, "PASS (AH is not supported)");
        }
        if (version == 3 && (authPass != null || authType != null)) {
            throw in.error("auth_pass", String.valueOf(authPass), "no authentication with version 3 (RFC 5798 §9)");
        }
        if (authType != null && authPass == null) {
            throw in.error("auth_pass", "", "a password with auth_type PASS");
        }
        List<Inet4Address> peers = new ArrayList<>();
        for (String peer : in.list("unicast_peer")) {
            peers.add(in.address("unicast_peer", peer));
        }
        String src = in.text("unicast_src_ip");
        List<ScriptSpec> scripts = new ArrayList<>();
        for (String name : in.list("track_script")) {
            Map<String, String> keys = scriptSections.get(name);
            if (keys == null) {
                throw in.error("track_script", name, "the name of a [vrrp_script " + name + "] section");
            }
            scripts.add(script(name, keys));
        }
        Duration healthInterval = in.duration("health_interval", "1", 0.01, 3600);
        var health = new ScriptSpec("health", "(pooler HealthSource)", healthInterval,
                in.duration("health_timeout", String.valueOf(healthInterval.toMillis() / 1000.0), 0.01, 3600),
                in.integer("health_weight", -253, -253, -1), in.integer("health_rise", 2, 1, 100),
                in.integer("health_fall", 2, 1, 100));
        var config = new VrrpConfig(in.required("interface"), in.integer("virtual_router_id", -1, 1, 255), priority,
                advert, version, addresses(in), src == null ? null : in.address("unicast_src_ip", src), peers,
                authPass, in.bool("nopreempt"), in.duration("preempt_delay", "0", 0, 1000),
                in.integer("garp_master_repeat", 5, 1, 255), in.duration("garp_master_delay", "5", 0, 1000),
                in.text("notify_master"), in.text("notify_backup"), in.text("notify_fault"),
                in.duration("notify_timeout", "10", 0.01, 3600), scripts, in.list("track_interface"),
                in.bool("checksum_rfc9568"), in.bool("lower_prio_no_advert"),
                in.integer("vip_lifetime", 3, 0, 3600), health);
        if (priority == 255 && scripts.stream().anyMatch(s -> s.weight() != 0)) {
            throw in.error("track_script", String.join(" ", in.list("track_script")),
                    "weight 0 only: the address owner's priority 255 is never adjusted (keepalived)");
        }
        return config;
    }

    private static List<VirtualAddress> addresses(Section in) {
        List<String> entries = in.list("virtual_ipaddress");
        if (entries.isEmpty()) {
            throw in.error("virtual_ipaddress", "", "one or more a.b.c.d[/prefix]");
        }
        if (entries.size() > 255) {
            throw in.error("virtual_ipaddress", entries.size() + " addresses", "at most 255");
        }
        var result = new ArrayList<VirtualAddress>();
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            Inet4Address address = in.address("virtual_ipaddress", slash < 0 ? entry : entry.substring(0, slash));
            int prefix = 32;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 1 || prefix > 32) {
                    throw in.error("virtual_ipaddress", entry, "a prefix length 1..32");
                }
            }
            result.add(new VirtualAddress(address, prefix));
        }
        return result;
    }

    private static ScriptSpec script(String name, Map<String, String> keys) {
        var in = new Section("[vrrp_script " + name + "]", keys, SCRIPT_KEYS);
        Duration interval = in.duration("interval", "1", 0.001, 3600);
        return new ScriptSpec(name, in.required("script"), interval,
                in.duration("timeout", String.valueOf(interval.toNanos() / 1e9), 0.001, 3600),
                in.integer("weight", 0, -253, 253), in.integer("rise", 1, 1, 100), in.integer("fall", 1, 1, 100));
    }

    /** Typed access to one section's keys with uniform error messages. */
    private record Section(String name, Map<String, String> keys) {
        Section(String name, Map<String, String> keys, Set<String> allowed) {
            this(name, new HashMap<>(keys));
            for (String key : keys.keySet()) {
                if (!allowed.contains(key)) {
                    throw new VrrpConfigException(name + " unknown key: '" + key + "' (expected one of: "
                            + allowed.stream().sorted().toList() + ")");
                }
            }
        }

        VrrpConfigException error(String key, String value, String expected) {
            return new VrrpConfigException(name + " " + key + ": '" + value + "' (expected: " + expected + ")");
        }

        @Nullable String text(String key) {
            String value = keys.get(key);
            return value == null || value.isBlank() ? null : value.strip();
        }

        String required(String key) {
            String value = text(key);
            if (value == null) {
                throw error(key, "", "a value; the key is required");
            }
            return value;
        }

        List<String> list(String key) {
            String value = text(key);
            return value == null ? List.of() : List.of(value.split("[,\\s]+"));
        }

        int integer(String key, int fallback, int min, int max) {
            String value = text(key);
            if (value == null) {
                if (fallback < min) {
                    throw error(key, "", "an integer " + min + ".." + max + "; the key is required");
                }
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw error(key, value, "an integer " + min + ".." + max);
        }

        boolean bool(String key) {
            if (!keys.containsKey(key)) {
                return false;
            }
            String value = keys.get(key).strip().toLowerCase(java.util.Locale.ROOT);
            return switch (value) {
                case "", "1", "true", "yes", "on" -> true;     // keepalived: the bare keyword turns it on
                case "0", "false", "no", "off" -> false;
                default -> throw error(key, value, "true/false, yes/no, on/off or 1/0");
            };
        }

        Duration duration(String key, String fallback, double minSeconds, double maxSeconds) {
            String value = text(key);
            String text = value == null ? fallback : value;
            try {
                BigDecimal seconds = new BigDecimal(text);
                if (seconds.doubleValue() >= minSeconds && seconds.doubleValue() <= maxSeconds) {
                    return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
                }
            } catch (NumberFormatException | ArithmeticException ignored) {
                // reported below
            }
            throw error(key, text, "seconds " + minSeconds + ".." + maxSeconds);
        }

        // advert_int: v3 carries centiseconds (0.01..40.95 s), v2 whole seconds (1..255).
        int centis(String key, String fallback, int version) {
            String value = text(key);
            String text = value == null ? fallback : value;
            try {
                BigDecimal cs = new BigDecimal(text).movePointRight(2);
                int centis = cs.intValueExact();
                if (version == 3 && centis >= 1 && centis <= 4095
                        || version == 2 && centis >= 100 && centis <= 25500 && centis % 100 == 0) {
                    return centis;
                }
            } catch (NumberFormatException | ArithmeticException ignored) {
                // reported below
            }
            throw error(key, text, version == 3 ? "seconds 0.01..40.95 in steps of 0.01 (version 3)"
                    : "whole seconds 1..255 (version 2)");
        }

        Inet4Address address(String key, String text) {
            try {
                return Ipv4.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(key, text, "an IPv4 address a.b.c.d");
            }
        }
    }
}
