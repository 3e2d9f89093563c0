package io.tidepool.pooler.server;

import org.jspecify.annotations.Nullable;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the pooler knows of one server connection's session parameters (PgBouncer's varcache): every value the server
 * reported with ParameterStatus, and the values the pooler itself applied. Used to decide which parameters a client
 * needs set before it can use this connection.
 *
 * <p>A requested value and the reported value may differ in spelling ({@code datestyle=iso} is reported as
 * {@code ISO, MDY}), so an applied request is remembered together with the value the server reported right after it;
 * it stays valid while the report is unchanged. Parameters the server does not report (extra_float_digits) are
 * remembered until a RESET ALL.
 *
 * <p>Owned by one {@link ServerConnection}; event-loop confined. Names compare case-insensitively, as GUC names do.
 */
public final class ServerParameters {
    private record Applied(String requested, @Nullable String reportedAfter) {
    }

    private final Map<String, String> reported = new LinkedHashMap<>();
    private final Map<String, String> reportedByKey = new HashMap<>();
    private final Map<String, Applied> applied = new HashMap<>();
    /** Counts every change above: a match remembered at one version says nothing about the next. */
    private int version;
    private @Nullable Map<String, String> matched;
    private int matchedVersion;

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Records a ParameterStatus. */
    public void reported(String name, String value) {
        reported.put(name, value);
        reportedByKey.put(key(name), value);
        version++;
    }

    /** Records that the pooler applied {@code value} for {@code name}; call after the server confirmed it. */
    public void applied(String name, String value) {
        String k = key(name);
        applied.put(k, new Applied(value, reportedByKey.get(k)));
        version++;
    }

    /** The pooler ran RESET for {@code name}: its own value for it is gone. */
    public void reset(String name) {
        applied.remove(key(name));
        version++;
    }

    /** After RESET ALL (DISCARD ALL does one), what the pooler applied is gone; reports follow for changed values. */
    public void forgetApplied() {
        applied.clear();
        version++;
    }

    /** The reported parameters in the order the server sent them, as a client expects them at login. */
    public Map<String, String> reported() {
        return Collections.unmodifiableMap(reported);
    }

    /** Names the pooler applied that are still in effect (lower case). */
    public Iterable<String> appliedNames() {
        return applied.keySet();
    }

    /**
     * Whether this connection was found to match exactly {@code wanted} (compared by reference: clients with equal
     * parameters share one instance) and nothing changed since: the per-link check without a lookup per parameter.
     */
    public boolean knownToMatch(Map<String, String> wanted) {
        return wanted == matched && version == matchedVersion;
    }

    /** A full comparison found that this connection matches {@code wanted} (see {@link #knownToMatch}). */
    public void matched(Map<String, String> wanted) {
        matched = wanted;
        matchedVersion = version;
    }

    /** Whether the connection already has {@code value} for {@code name}, as far as the pooler knows. */
    public boolean has(String name, String value) {
        String k = key(name);
        String now = reportedByKey.get(k);
        if (value.equals(now)) {
            return true;
        }
        Applied request = applied.get(k);
        return request != null && request.requested().equals(value)
                && java.util.Objects.equals(request.reportedAfter(), now);
    }
}
