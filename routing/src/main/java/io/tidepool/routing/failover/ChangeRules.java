package io.tidepool.routing.failover;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.routing.HostStatus;
import io.tidepool.routing.LagLimit;
import io.tidepool.routing.Topology;
import io.tidepool.routing.TopologyChange;
import io.tidepool.routing.TopologyChange.RoleChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;

/**
 * Decides whether a new snapshot matters to the pooler and what it must do about it. A change matters when a role,
 * reachability, read eligibility under the lag limit, the write host or staleness differs; WAL positions and check
 * times alone do not (they are read from the current snapshot when needed). Server connections must be closed for
 * every host that left a role serving traffic ({@link HostRole#servesTraffic()}): a connection opened under one role
 * is never reused under another. Pure and thread-safe.
 */
public final class ChangeRules {

    private ChangeRules() {
    }

    /** The change from {@code previous} to {@code current}, or empty when nothing routing-relevant differs. */
    public static Optional<TopologyChange> between(Topology previous, Topology current, LagLimit readLimit) {
        var roleChanges = new ArrayList<RoleChange>();
        var close = new LinkedHashSet<Host>();
        var newlyFenced = new ArrayList<Host>();
        boolean material = previous.stale() != current.stale() || !previous.primary().equals(current.primary());
        for (HostStatus now : current.hosts()) {
            HostStatus before = previous.status(now.host()).orElseGet(() -> HostStatus.unknown(now.host()));
            if (before.role() != now.role()) {
                roleChanges.add(new RoleChange(now.host(), before.role(), now.role()));
                if (before.role().servesTraffic()) {
                    close.add(now.host());
                }
                if (now.role() == HostRole.FENCED) {
                    newlyFenced.add(now.host());
                }
            }
            material |= before.reachable() != now.reachable()
                    || before.readable(readLimit) != now.readable(readLimit);
        }
        material |= !roleChanges.isEmpty();
        return material
                ? Optional.of(new TopologyChange(previous, current, roleChanges, close, newlyFenced))
                : Optional.empty();
    }
}
