package io.tidepool.pooler.admin;

import io.tidepool.pooler.client.ClientSession;
import io.tidepool.pooler.config.ConfigException;
import io.tidepool.pooler.config.Settings;
import io.tidepool.pooler.pool.DatabaseState;
import io.tidepool.pooler.pool.Pool;
import io.tidepool.pooler.pool.PoolGroup;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs console commands with PgBouncer's semantics and error texts (src/admin.c): the privilege check first
 * ("admin access needed", RELIABILITY case 61), then the command. Commands that wait (PAUSE, WAIT_CLOSE) poll the
 * pools from the calling virtual thread and give up when the console connection goes away. Thread-safe; one instance
 * per pooler.
 */
final class AdminExecutor {
    private static final Logger log = LoggerFactory.getLogger(AdminExecutor.class);
    private static final long POLL_MILLIS = 20;
    /** object_not_in_prerequisite_state (errcodes.txt): "already paused", "not paused", "cannot pause admin db". */
    private static final String NOT_IN_PREREQUISITE_STATE = "55000";

    private final AdminService service;
    private final PoolerControl control;
    private final ShowTables tables;

    AdminExecutor(AdminService service, PoolerControl control, ShowTables tables) {
        this.service = service;
        this.control = control;
        this.tables = tables;
    }

    /**
     * Runs {@code command} for a console user.
     *
     * @param admin    whether the user is in admin_users (else stats_users: SHOW only)
     * @param abandoned whether the console connection is gone (waiting commands stop)
     */
    ResultSet execute(AdminCommand command, boolean admin, String user, BooleanSupplier abandoned) {
        if (command.needsAdmin() && !admin) {
            throw AdminException.adminAccessNeeded();
        }
        if (command.needsAdmin()) {
            log.info("admin console: {} by {}", command, user);
        }
        return switch (command) {
            case AdminCommand.Show(var what) -> tables.show(what);
            case AdminCommand.FakeShow(var name, var value) ->
                    ResultSet.builder(Column.of("s", name)).row(value).complete("SHOW");
            case AdminCommand.FakeSet f -> ResultSet.builder(List.of()).notice("SET ignored").complete("SET");
            case AdminCommand.Set(var key, var value) -> set(key, value);
            case AdminCommand.Pause(var db) -> pause(db, abandoned);
            case AdminCommand.Resume(var db) -> resume(db);
            case AdminCommand.Suspend s -> throw new AdminException(SqlState.FEATURE_NOT_SUPPORTED,
                    "SUSPEND is not supported: Tidepool has no online restart; use PAUSE");
            case AdminCommand.Disable(var db) -> {
                state(required(db), "disable").setDisabled(true);
                yield ResultSet.command("DISABLE");
            }
            case AdminCommand.Enable(var db) -> {
                state(required(db), "enable").setDisabled(false);
                yield ResultSet.command("ENABLE");
            }
            case AdminCommand.Reconnect(var db) -> {
                checkDatabase(db, "reconnect");
                onEachPool(db, Pool::reconnect);
                yield ResultSet.command("RECONNECT");
            }
            case AdminCommand.Readmit(var host) -> {
                var routing = control.routing();
                io.tidepool.routing.Host parsed;
                try {
                    parsed = io.tidepool.routing.Host.parse(host);
                } catch (IllegalArgumentException e) {
                    throw new AdminException(SqlState.SYNTAX_ERROR, "READMIT: " + e.getMessage()
                            + " (expected: host:port)");
                }
                if (routing == null || !routing.readmit(parsed)) {
                    throw new AdminException(SqlState.INVALID_PARAMETER_VALUE, "host " + host + " is not fenced");
                }
                yield ResultSet.command("READMIT");
            }
            case AdminCommand.Kill(var db) -> kill(db);
            case AdminCommand.KillClient(var id) -> killClient(id);
            case AdminCommand.WaitClose(var db) -> waitClose(db, abandoned);
            case AdminCommand.Reload r -> {
                try {
                    control.reload();
                } catch (ConfigException | IllegalArgumentException e) {
                    throw new AdminException("F0000", "RELOAD failed: " + e.getMessage());
                }
                yield ResultSet.command("RELOAD");
            }
            case AdminCommand.Shutdown(var mode) -> {
                control.shutdown(mode);
                yield ResultSet.command("SHUTDOWN");
            }
        };
    }

    /** SET: validated into a complete new snapshot first, so a bad value changes nothing (case 65). */
    private ResultSet set(String key, String value) {
        Settings fresh;
        try {
            fresh = control.config().settings().with(key, value);
        } catch (ConfigException e) {
            SqlState state = e.getMessage() != null && e.getMessage().startsWith("unknown parameter")
                    ? SqlState.UNDEFINED_OBJECT : SqlState.INVALID_PARAMETER_VALUE;
            throw new AdminException(state, "SET failed: " + e.getMessage());
        }
        control.applySettings(fresh);
        return ResultSet.command("SET " + key + "=" + value);
    }

    private ResultSet pause(@Nullable String db, BooleanSupplier abandoned) {
        DatabaseState every = control.pools().everyDatabase();
        if (every.isPaused()) {
            throw new AdminException(NOT_IN_PREREQUISITE_STATE, "already suspended/paused");
        }
        if (db == null) {
            every.setPaused(true);
        } else {
            state(db, "pause").setPaused(true);
        }
        // Paused pools close servers as their transactions end; wait until none is left (PgBouncer usage: PAUSE).
        onEachPool(db, Pool::openForWaiters);
        waitUntil(() -> serverCount(db) == 0, abandoned);
        return ResultSet.command("PAUSE");
    }

    private ResultSet resume(@Nullable String db) {
        if (control.shuttingDown()) {
            throw new AdminException(NOT_IN_PREREQUISITE_STATE, "pooler is shutting down");
        }
        if (db == null) {
            DatabaseState every = control.pools().everyDatabase();
            boolean any = every.isPaused();
            every.setPaused(false);
            for (PoolGroup group : control.pools().groups()) {
                DatabaseState s = group.state();
                any |= s.pausedHere();
                s.setPaused(false);
            }
            if (!any) {
                throw new AdminException(NOT_IN_PREREQUISITE_STATE, "pooler is not paused/suspended");
            }
        } else {
            DatabaseState s = knownState(db);
            if (!s.pausedHere()) {
                throw new AdminException(NOT_IN_PREREQUISITE_STATE, "database " + db + " is not paused");
            }
            s.setPaused(false);
        }
        groups(db).forEach(PoolGroup::wakeUp);
        return ResultSet.command("RESUME");
    }

    private ResultSet kill(@Nullable String db) {
        if (control.pools().everyDatabase().isPaused()) {
            throw new AdminException(NOT_IN_PREREQUISITE_STATE, "already suspended/paused");
        }
        checkDatabase(db, "kill");
        // PgBouncer: the database stays paused after KILL; new clients wait for RESUME.
        groups(db).forEach(g -> g.state().setPaused(true));
        if (db != null) {
            control.pools().state(db).setPaused(true);
        }
        onEachPool(db, pool -> pool.killAll("database killed by admin"));
        return ResultSet.command("KILL");
    }

    private ResultSet killClient(String id) {
        long target;
        try {
            target = Long.parseUnsignedLong(id);
        } catch (NumberFormatException e) {
            if (!id.isEmpty() && id.chars().allMatch(Character::isDigit)) {
                throw new AdminException(SqlState.UNDEFINED_OBJECT, "client not found: " + id);
            }
            throw new AdminException(SqlState.INVALID_PARAMETER_VALUE, "invalid client pointer supplied: \"" + id
                    + "\" (expected: a client id from SHOW CLIENTS)");
        }
        for (ClientSession client : service.consoleClients()) {
            if (client.id() == target) {
                client.channel().eventLoop().execute(() -> client.disconnect(SqlState.ADMIN_SHUTDOWN,
                        "admin forced disconnect"));
                return ResultSet.command("KILL_CLIENT");
            }
        }
        List<Future<Boolean>> found = new ArrayList<>();
        for (PoolGroup group : control.pools().groups()) {
            for (Pool pool : group.pools()) {
                found.add(pool.loop().submit(() -> {
                    for (ClientSession client : pool.clients()) {
                        if (client.id() == target) {
                            client.disconnect(SqlState.ADMIN_SHUTDOWN, "admin forced disconnect");
                            return true;
                        }
                    }
                    return false;
                }));
            }
        }
        for (Future<Boolean> f : found) {
            if (get(f)) {
                return ResultSet.command("KILL_CLIENT");
            }
        }
        throw new AdminException(SqlState.UNDEFINED_OBJECT, "client not found: " + id);
    }

    private ResultSet waitClose(@Nullable String db, BooleanSupplier abandoned) {
        checkDatabase(db, "wait in");
        waitUntil(() -> service.view().servers().stream()
                .noneMatch(s -> s.closeNeeded() && (db == null || s.database().equals(db))), abandoned);
        return ResultSet.command("WAIT_CLOSE");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static String required(@Nullable String db) {
        if (db == null) {
            throw new AdminException(SqlState.SYNTAX_ERROR, "a database is required");
        }
        return db;
    }

    /** The switches of a configured database; refuses the console itself, as PgBouncer does. */
    private DatabaseState state(String db, String verb) {
        checkDatabase(db, verb);
        return control.pools().state(db);
    }

    private DatabaseState knownState(String db) {
        checkDatabase(db, "resume");
        return control.pools().state(db);
    }

    private void checkDatabase(@Nullable String db, String verb) {
        if (db == null) {
            return;
        }
        if (AdminService.isConsoleName(db)) {
            throw new AdminException(NOT_IN_PREREQUISITE_STATE, "cannot " + verb + " admin db: " + db);
        }
        if (control.config().database(db).isEmpty()) {
            throw new AdminException(SqlState.INVALID_CATALOG_NAME, "no such database: " + db);
        }
    }

    private List<PoolGroup> groups(@Nullable String db) {
        return control.pools().groups().stream().filter(g -> db == null || g.key().database().equals(db)).toList();
    }

    private void onEachPool(@Nullable String db, Consumer<Pool> action) {
        for (PoolGroup group : groups(db)) {
            for (Pool pool : group.pools()) {
                pool.loop().execute(() -> action.accept(pool));
            }
        }
    }

    private int serverCount(@Nullable String db) {
        return groups(db).stream().mapToInt(PoolGroup::serverCount).sum();
    }

    private static void waitUntil(BooleanSupplier done, BooleanSupplier abandoned) {
        while (!done.getAsBoolean()) {
            if (abandoned.getAsBoolean()) {
                throw new AdminException(SqlState.QUERY_CANCELED, "console connection closed while waiting");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminException(SqlState.QUERY_CANCELED, "interrupted while waiting");
            }
        }
    }

    private static boolean get(Future<Boolean> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }
}
