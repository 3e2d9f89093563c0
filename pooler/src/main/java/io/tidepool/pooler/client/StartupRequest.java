package io.tidepool.pooler.client;

import java.util.List;
import java.util.Map;

/**
 * A validated StartupMessage: who the client is, which database it wants, the session parameters it asked for (as
 * {@code name -> value}, to be applied on whichever server connection it uses) and what to negotiate.
 *
 * @param user                  the user name
 * @param database              the database name (defaults to the user name)
 * @param parameters            run-time parameters to apply, in the order given, {@code options -c} ones included
 * @param unsupportedOptions    {@code _pq_.} protocol options the pooler does not know, for NegotiateProtocolVersion
 * @param negotiateVersion      whether the client asked for more than protocol 3.0 (3.2, or unknown options), so it
 *                              must be told, once, that the session continues at 3.0
 */
public record StartupRequest(String user, String database, Map<String, String> parameters,
                             List<String> unsupportedOptions, boolean negotiateVersion) {
    public StartupRequest {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        unsupportedOptions = List.copyOf(unsupportedOptions);
    }
}
