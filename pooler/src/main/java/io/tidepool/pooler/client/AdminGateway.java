package io.tidepool.pooler.client;

import io.tidepool.wire.WireUnit;

import java.util.Map;

/**
 * Where a client of the virtual admin database goes after it authenticated (PgBouncer's {@code admin_post_login}).
 * Implemented by {@code io.tidepool.pooler.admin}; declared here so that the client package does not depend on the
 * console. Thread-safe.
 */
public interface AdminGateway {
    /** Whether {@code database} is the console ({@code pgbouncer}, or Tidepool's alias {@code tidepool}). */
    boolean isConsole(String database);

    /** Whether {@code user} is in admin_users or stats_users; everyone else is refused with "not allowed". */
    boolean mayEnter(String user);

    /** The ParameterStatus values the console reports at login (admin.c admin_setup's welcome). */
    Map<String, String> welcome();

    /** Starts the console conversation of a logged-in client; called on the client's event loop. */
    Conversation open(ClientSession client, String user);

    /** One console connection: receives the client's messages (on its loop) until {@link #closed}. */
    interface Conversation {
        /** A message from the client; the conversation owns (releases) it. */
        void onMessage(WireUnit unit);

        /** The client is gone. */
        void closed();
    }
}
