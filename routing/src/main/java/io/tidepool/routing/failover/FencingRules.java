package io.tidepool.routing.failover;

import io.tidepool.routing.Host;
import io.tidepool.routing.HostRole;
import io.tidepool.routing.HostStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The fencing rules (DESIGN "Routing", promises P1 and P2, issue 5), as one pure function from observations to
 * routing roles. A host "claims primary" when its monitor holds it up with role {@link HostRole#PRIMARY}, that is it
 * reported {@code pg_is_in_recovery() = false} on its last successful check and has not failed {@code fall} checks
 * since. In order:
 * <ol>
 *   <li>A fenced host stays fenced whatever it reports, until an operator re-admits it.</li>
 *   <li>A superseded former primary (see {@link FenceBook#superseded()}) that claims primary is fenced.</li>
 *   <li>Among the remaining claimants, the newer timeline wins; each claimant on an older timeline is fenced. The
 *       timeline is what promotion changes at once (issue 5: the WAL file name's first 8 hex digits on a primary),
 *       so the newer one is the promoted side of a split brain.</li>
 *   <li>Two or more claimants on the same newest timeline cannot be told apart: all are fenced and no host is
 *       primary (fail closed; an operator resolves it).</li>
 *   <li>A sole claimant is the primary. If it differs from the last admitted primary, that one becomes
 *       superseded. A primary that fails and comes back with nobody having replaced it (a restart, case 43) is
 *       simply the primary again.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class FencingRules {

    private FencingRules() {
    }

    /**
     * The outcome of one evaluation.
     *
     * @param statuses    the observations in the same order, with {@link HostRole#FENCED} applied
     * @param book        the book to remember for the next evaluation
     * @param newlyFenced hosts fenced by this evaluation, with the reason (log loudly, count)
     */
    public record Verdict(List<HostStatus> statuses, FenceBook book, Map<Host, String> newlyFenced) {
        public Verdict {
            statuses = List.copyOf(statuses);
            newlyFenced = Collections.unmodifiableMap(new LinkedHashMap<>(newlyFenced));
        }
    }

    /** Applies the rules to {@code observed} (one status per host, roles from rise/fall) with memory {@code book}. */
    public static Verdict apply(List<HostStatus> observed, FenceBook book) {
        var fenced = new LinkedHashMap<>(book.fenced());
        var superseded = new LinkedHashSet<>(book.superseded());
        var newlyFenced = new LinkedHashMap<Host, String>();

        var claimants = new ArrayList<HostStatus>();
        for (HostStatus s : observed) {
            if (s.role() == HostRole.PRIMARY && !fenced.containsKey(s.host())) {
                claimants.add(s);
            }
        }
        // Rule 2: a replaced primary claiming again.
        for (var it = claimants.iterator(); it.hasNext(); ) {
            HostStatus c = it.next();
            if (superseded.contains(c.host())) {
                fence(fenced, newlyFenced, c.host(), "former primary came back as a primary after "
                        + (book.lastPrimary() == null ? "another host" : book.lastPrimary())
                        + " took over; check its data, then re-admit it");
                it.remove();
            }
        }
        // Rules 3 and 4: timelines.
        if (claimants.size() > 1) {
            long newest = claimants.stream().mapToLong(HostStatus::timeline).max().orElseThrow();
            List<HostStatus> winners = claimants.stream().filter(c -> c.timeline() == newest).toList();
            String winnerNames = winners.stream().map(w -> w.host().toString()).collect(Collectors.joining(", "));
            for (HostStatus c : claimants) {
                if (c.timeline() < newest) {
                    fence(fenced, newlyFenced, c.host(), "claims primary on timeline " + c.timeline() + " while "
                            + winnerNames + " is on newer timeline " + newest);
                } else if (winners.size() > 1) {
                    fence(fenced, newlyFenced, c.host(), "split brain: " + winnerNames
                            + " all claim primary on timeline " + newest + "; writes refused");
                }
            }
            claimants.removeIf(c -> fenced.containsKey(c.host()));
        }
        // Rule 5: the sole claimant.
        @Nullable Host lastPrimary = book.lastPrimary();
        if (claimants.size() == 1) {
            Host primary = claimants.getFirst().host();
            if (lastPrimary != null && !lastPrimary.equals(primary)) {
                superseded.add(lastPrimary);
            }
            lastPrimary = primary;
        }
        // A superseded host seen following as a standby has been rebuilt: it may be promoted legitimately later.
        for (HostStatus s : observed) {
            if (s.role() == HostRole.STANDBY && s.reachable() && !fenced.containsKey(s.host())) {
                superseded.remove(s.host());
            }
        }
        var statuses = new ArrayList<HostStatus>(observed.size());
        for (HostStatus s : observed) {
            String reason = fenced.get(s.host());
            statuses.add(reason == null ? s : s.fenced(reason));
        }
        return new Verdict(statuses, new FenceBook(fenced, superseded, lastPrimary), newlyFenced);
    }

    private static void fence(Map<Host, String> fenced, Map<Host, String> newlyFenced, Host host, String reason) {
        fenced.put(host, reason);
        newlyFenced.put(host, reason);
    }
}
