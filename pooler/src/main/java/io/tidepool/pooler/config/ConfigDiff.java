package io.tidepool.pooler.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a RELOAD changes, computed from the old and the new snapshot; the reload code (not this class) then swaps in
 * {@link #effective()} and tells the pools. Restart-only keys ({@link Setting#reloadable()} false: listen_addr,
 * listen_port, unix_socket_dir, pkt_buf, ...) keep their old value, as PgBouncer's {@code cf_set} silently does;
 * unlike PgBouncer, each one is reported in {@link #warnings()}. Immutable.
 *
 * @param addedDatabases     new [databases] entries
 * @param removedDatabases   entries gone: their pools are to be closed when their clients leave
 * @param changedDatabases   entries that differ in any way (pools adjust limits and pool mode)
 * @param reconnectDatabases the subset of {@code changedDatabases} whose connection parameters changed (host, port,
 *                           dbname, user, password, connect_query, auth_*, load_balance_hosts, startup parameters):
 *                           existing server connections must be closed when released, as PgBouncer's
 *                           {@code tag_database_dirty}
 * @param changedUsers       [users] names added, removed or changed
 * @param changedSettings    reloadable [pgbouncer] keys whose value changed (applied)
 * @param restartNeeded      restart-only keys whose value changed in the file (not applied)
 * @param changedSections    Tidepool sections (routing, vrrp, ...) added, removed or changed, for their owners
 * @param effective          the snapshot to install: {@code neu} with restart-only keys kept at their old values
 * @param warnings           one line per key in {@code restartNeeded}
 */
public record ConfigDiff(
        Set<String> addedDatabases,
        Set<String> removedDatabases,
        Set<String> changedDatabases,
        Set<String> reconnectDatabases,
        Set<String> changedUsers,
        List<Setting<?>> changedSettings,
        List<Setting<?>> restartNeeded,
        Set<String> changedSections,
        Config effective,
        List<String> warnings) {

    public ConfigDiff {
        addedDatabases = Set.copyOf(addedDatabases);
        removedDatabases = Set.copyOf(removedDatabases);
        changedDatabases = Set.copyOf(changedDatabases);
        reconnectDatabases = Set.copyOf(reconnectDatabases);
        changedUsers = Set.copyOf(changedUsers);
        changedSettings = List.copyOf(changedSettings);
        restartNeeded = List.copyOf(restartNeeded);
        changedSections = Set.copyOf(changedSections);
        Objects.requireNonNull(effective, "effective");
        warnings = List.copyOf(warnings);
    }

    /** Compares two snapshots; {@code neu} has been validated completely by the loader already. */
    public static ConfigDiff between(Config old, Config neu) {
        var added = new LinkedHashSet<String>();
        var removed = new LinkedHashSet<String>();
        var changed = new LinkedHashSet<String>();
        var reconnect = new LinkedHashSet<String>();
        compareMaps(old.databases(), neu.databases(), added, removed, changed);
        for (var name : changed) {
            if (!sameConnection(old.databases().get(name), neu.databases().get(name))) {
                reconnect.add(name);
            }
        }
        var usersAdded = new LinkedHashSet<String>();
        var usersRemoved = new LinkedHashSet<String>();
        var users = new LinkedHashSet<String>();
        compareMaps(old.users(), neu.users(), usersAdded, usersRemoved, users);
        users.addAll(usersAdded);
        users.addAll(usersRemoved);
        var sectionsAdded = new LinkedHashSet<String>();
        var sectionsRemoved = new LinkedHashSet<String>();
        var sections = new LinkedHashSet<String>();
        compareMaps(old.extraSections(), neu.extraSections(), sectionsAdded, sectionsRemoved, sections);
        sections.addAll(sectionsAdded);
        sections.addAll(sectionsRemoved);

        var settingsChanged = new ArrayList<Setting<?>>();
        var restart = new ArrayList<Setting<?>>();
        var warnings = new ArrayList<String>();
        var effective = neu.settings();
        for (var key : Keys.all()) {
            var before = old.settings().get(key);
            var after = neu.settings().get(key);
            if (Objects.equals(before, after)) {
                continue;
            }
            if (key.reloadable()) {
                settingsChanged.add(key);
            } else {
                restart.add(key);
                effective = effective.withValueOf(key, old.settings());
                warnings.add(key.name() + ": changed from " + shown(key, before) + " to " + shown(key, after)
                        + " in " + neu.source() + "; this needs a restart, keeping " + shown(key, before));
            }
        }
        var effectiveConfig = new Config(effective, neu.databases(), neu.users(), neu.extraSections(), neu.source(),
                neu.warnings());
        return new ConfigDiff(added, removed, changed, reconnect, users, settingsChanged, restart, sections,
                effectiveConfig, warnings);
    }

    /** Whether nothing at all changed. */
    public boolean isEmpty() {
        return addedDatabases.isEmpty() && removedDatabases.isEmpty() && changedDatabases.isEmpty()
                && changedUsers.isEmpty() && changedSettings.isEmpty() && restartNeeded.isEmpty()
                && changedSections.isEmpty();
    }

    private static <V> void compareMaps(Map<String, V> old, Map<String, V> neu, Set<String> added,
            Set<String> removed, Set<String> changed) {
        for (var e : neu.entrySet()) {
            var before = old.get(e.getKey());
            if (before == null) {
                added.add(e.getKey());
            } else if (!before.equals(e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (var name : old.keySet()) {
            if (!neu.containsKey(name)) {
                removed.add(name);
            }
        }
    }

    /** Connection parameters: what a server connection was opened with (PgBouncer's parse_database "changed"). */
    private static boolean sameConnection(DatabaseEntry a, DatabaseEntry b) {
        return a.hosts().equals(b.hosts()) && a.port() == b.port() && a.ports().equals(b.ports())
                && java.util.Objects.equals(a.targetSessionAttrs(), b.targetSessionAttrs()) && a.dbname().equals(b.dbname())
                && Objects.equals(a.user(), b.user()) && Objects.equals(a.password(), b.password())
                && Objects.equals(a.connectQuery(), b.connectQuery()) && Objects.equals(a.authUser(), b.authUser())
                && Objects.equals(a.authDbname(), b.authDbname()) && Objects.equals(a.authQuery(), b.authQuery())
                && a.loadBalanceHosts() == b.loadBalanceHosts()
                && Objects.equals(a.clientEncoding(), b.clientEncoding())
                && Objects.equals(a.datestyle(), b.datestyle()) && Objects.equals(a.timezone(), b.timezone())
                && Objects.equals(a.applicationName(), b.applicationName());
    }

    private static String shown(Setting<?> key, Object value) {
        return key.secret() ? "(hidden)" : "\"" + key.formatUnchecked(value) + "\"";
    }

    /** What changed, for the reload log line: names only, never the whole effective configuration. */
    @Override
    public String toString() {
        return "settings " + changedSettings.stream().map(Setting::name).toList() + ", databases added "
                + addedDatabases + " removed " + removedDatabases + " changed " + changedDatabases + ", users changed "
                + changedUsers + ", sections changed " + changedSections + ", needs a restart "
                + restartNeeded.stream().map(Setting::name).toList();
    }
}
