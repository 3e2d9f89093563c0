package io.tidepool.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What changed between two published {@link Topology} snapshots, in the terms the pooler acts on: which hosts changed
 * role, which server connections must be closed, which hosts were just fenced. Made by {@link
 * io.tidepool.routing.failover.ChangeRules} on the monitor's thread and handed to every {@link TopologyListener};
 * immutable.
 *
 * @param previous               the snapshot before
 * @param current                the snapshot now published
 * @param roleChanges            hosts whose role differs, in configuration order
 * @param closeServerConnections hosts whose server connections (idle and linked) must be closed: every host that left
 *                               a role that serves traffic, so that no connection is reused for the wrong role (a
 *                               connection opened to a primary that is now fenced or a standby must never get a
 *                               write)
 * @param newlyFenced            hosts that became {@link HostRole#FENCED} in this change (alarm, metric)
 */
public record TopologyChange(
        Topology previous,
        Topology current,
        List<RoleChange> roleChanges,
        Set<Host> closeServerConnections,
        List<Host> newlyFenced) {

    public TopologyChange {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
        roleChanges = List.copyOf(roleChanges);
        closeServerConnections = Set.copyOf(closeServerConnections);
        newlyFenced = List.copyOf(newlyFenced);
    }

    /** Whether the write host differs (including to or from none). */
    public boolean primaryChanged() {
        return !previous.primary().equals(current.primary());
    }

    /** The write host now, or empty (writes wait, bounded by {@code failover_wait_timeout}). */
    public Optional<Host> primary() {
        return current.primary();
    }

    /**
     * One host's role transition.
     *
     * @param host the host
     * @param from its role in the previous snapshot
     * @param to   its role now
     */
    public record RoleChange(Host host, HostRole from, HostRole to) {
        public RoleChange {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String toString() {
            return host + " " + from + " -> " + to;
        }
    }
}
