package io.tidepool.pooler.admin;

import org.jspecify.annotations.Nullable;

import java.util.Locale;

/**
 * One console statement, as {@link AdminParser} understood it. Sealed: {@link AdminExecutor} handles every kind, and a
 * new command that nobody handles is a compile error. {@code database} arguments are null when omitted.
 */
public sealed interface AdminCommand {
    /** Whether only admin_users may run it (everything but SHOW; PgBouncer's "admin access needed"). */
    default boolean needsAdmin() {
        return true;
    }

    /** {@code SHOW x} / {@code SELECT x}. */
    record Show(ShowCommand what) implements AdminCommand {
        @Override
        public boolean needsAdmin() {
            return what.adminOnly();
        }
    }

    /** {@code SHOW client_encoding} and friends: fixed answers for drivers that ask (admin.c fake_param_list). */
    record FakeShow(String name, String value) implements AdminCommand {
        @Override
        public boolean needsAdmin() {
            return false;
        }
    }

    /** {@code SET client_encoding = ...} and friends: ignored with a notice, as PgBouncer does, for anyone. */
    record FakeSet(String name) implements AdminCommand {
        @Override
        public boolean needsAdmin() {
            return false;
        }
    }

    record Set(String key, String value) implements AdminCommand {
    }

    record Pause(@Nullable String database) implements AdminCommand {
    }

    record Resume(@Nullable String database) implements AdminCommand {
    }

    record Suspend() implements AdminCommand {
    }

    record Disable(@Nullable String database) implements AdminCommand {
    }

    record Enable(@Nullable String database) implements AdminCommand {
    }

    record Reconnect(@Nullable String database) implements AdminCommand {
    }

    /**
     * {@code READMIT host:port} (Tidepool's own): lets a fenced former primary take part in routing again; the
     * fencing rules apply again at once (issue 5: never re-admitted automatically).
     */
    record Readmit(String host) implements AdminCommand {
    }

    record Kill(@Nullable String database) implements AdminCommand {
    }

    /** {@code KILL_CLIENT id}; the argument is kept as written and validated when run. */
    record KillClient(String id) implements AdminCommand {
    }

    record WaitClose(@Nullable String database) implements AdminCommand {
    }

    record Reload() implements AdminCommand {
    }

    record Shutdown(ShutdownMode mode) implements AdminCommand {
    }

    /** PgBouncer's SHUTDOWN variants. */
    enum ShutdownMode {
        /** Close everything now. */
        IMMEDIATE,
        /** Stop accepting, wait for running transactions (servers released), then stop. */
        WAIT_FOR_SERVERS,
        /** Stop accepting, wait until every client has disconnected, then stop. */
        WAIT_FOR_CLIENTS;

        static @Nullable ShutdownMode of(String word) {
            return switch (word.toUpperCase(Locale.ROOT)) {
                case "WAIT_FOR_SERVERS" -> WAIT_FOR_SERVERS;
                case "WAIT_FOR_CLIENTS" -> WAIT_FOR_CLIENTS;
                default -> null;
            };
        }
    }
}
