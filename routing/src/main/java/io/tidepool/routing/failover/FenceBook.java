package io.tidepool.routing.failover;

import io.tidepool.routing.Host;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the fencing rules remember between two evaluations: the fenced hosts with their reasons, the former primaries
 * that another host has replaced, and the host last admitted as primary. Immutable: {@link FencingRules#apply}
 * returns the next book. Owned by one {@link io.tidepool.routing.monitor.TopologyMonitor}.
 *
 * @param fenced      fenced hosts and why; sticky until {@link #readmit(Host)}
 * @param superseded  hosts that were the admitted primary until another host became primary: if one of them claims
 *                    primary again it is fenced (ClusterControl's rule: a failed primary that comes back may have
 *                    diverged, and re-admitting it loses data and diagnostics). A superseded host that is seen as a
 *                    standby has been rebuilt or rewound to follow, and leaves this set
 * @param lastPrimary the host last admitted as primary, or null if none yet
 */
public record FenceBook(Map<Host, String> fenced, Set<Host> superseded, @Nullable Host lastPrimary) {
    /** Nothing fenced, nothing remembered. */
    public static final FenceBook EMPTY = new FenceBook(Map.of(), Set.of(), null);

    public FenceBook {
        fenced = Collections.unmodifiableMap(new LinkedHashMap<>(fenced));
        superseded = Collections.unmodifiableSet(new LinkedHashSet<>(superseded));
    }

    /** Whether {@code host} is fenced or superseded, so that {@link #readmit(Host)} would change something. */
    public boolean holds(Host host) {
        return fenced.containsKey(host) || superseded.contains(host);
    }

    /**
     * The book after an operator re-admitted {@code host}: no longer fenced, no longer superseded. The rules still
     * apply to it at the next evaluation (a re-admitted host on an older timeline than the primary is fenced again).
     */
    public FenceBook readmit(Host host) {
        Objects.requireNonNull(host, "host");
        var f = new LinkedHashMap<>(fenced);
        f.remove(host);
        var s = new LinkedHashSet<>(superseded);
        s.remove(host);
        return new FenceBook(f, s, host.equals(lastPrimary) ? null : lastPrimary);
    }
}
