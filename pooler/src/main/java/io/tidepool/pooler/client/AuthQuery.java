package io.tidepool.pooler.client;

import io.tidepool.auth.Credential;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * PgBouncer's {@code auth_query}: a user who is not in auth_file is looked up on the server, as {@code auth_user},
 * and the secret it returns (md5, SCRAM verifier or plaintext) authenticates the client.
 *
 * <p>Rules from PgBouncer's history (RELIABILITY case 22):
 * <ul>
 *   <li>the user name is a bind parameter ({@code $1}), never spliced into the SQL;</li>
 *   <li>zero rows, more than one row, or a NULL secret mean "unknown user": the client fails exactly like a wrong
 *       password, and nothing falls back to auth_user's own identity (CVE-2015-6817);</li>
 *   <li>the lookup connection is the pooler's own: no startup parameter of the unauthenticated client ever reaches
 *       it, and it runs with {@code search_path=pg_catalog} so an unqualified operator in the query cannot resolve to
 *       a user's function (CVE-2025-12819);</li>
 *   <li>it runs over PostgreSQL JDBC on a virtual thread, never on an event loop (DESIGN hot-path rule 4), at most
 *       {@link #MAX_CONCURRENT} at a time, and answers are cached for a TTL (lookups of one user coalesce).</li>
 * </ul>
 * Unix-socket database hosts are not supported for the lookup (JDBC speaks TCP). Thread-safe; one per configuration
 * snapshot (a reload drops the cache).
 */
public final class AuthQuery {
    private static final Logger log = LoggerFactory.getLogger(AuthQuery.class);
    static final int MAX_CONCURRENT = 8;
    private static final int MAX_CACHED = 10_000;
    private static final ExecutorService EXECUTOR = Executors.newVirtualThreadPerTaskExecutor();

    /** Where and as whom the query runs, for one client database. */
    public record Target(String host, int port, String dbname, String user, @Nullable String password) {
        @Override
        public String toString() {
            return dbname + "/" + user + "@" + host + ":" + port;        // never the password
        }
    }

    /** Maps a client's database to the auth_query target (auth_dbname, auth_user); null when there is none. */
    @FunctionalInterface
    public interface Resolver {
        @Nullable Target forDatabase(String database);
    }

    private record Cached(CompletableFuture<Optional<Credential>> answer, long expiresNanos) {
    }

    private final String sql;
    private final int parameters;
    private final Resolver resolver;
    private final long ttlNanos;
    private final Semaphore slots = new Semaphore(MAX_CONCURRENT);
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param query    auth_query with {@code $1} for the user name
     * @param resolver where to run it for a given client database
     * @param ttl      how long an answer is reused
     */
    public AuthQuery(String query, Resolver resolver, Duration ttl) {
        this.sql = jdbcSql(query);
        this.parameters = query.split("\\$1(?![0-9])", -1).length - 1;
        this.resolver = resolver;
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * PgBouncer's {@code $1} as JDBC's {@code ?} (each occurrence becomes one JDBC parameter, all bound to the user
     * name); a literal {@code ?} (an operator) is escaped as {@code ??}.
     */
    static String jdbcSql(String query) {
        return query.replace("?", "??").replaceAll("\\$1(?![0-9])", "?");
    }

    /**
     * The credential of {@code user} for a login to {@code database}: empty when the server does not know the user.
     * Completes on a virtual thread; the caller hands the result back to its event loop.
     */
    public CompletableFuture<Optional<Credential>> lookup(String database, String user) {
        Target target = resolver.forDatabase(database);
        if (target == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String key = database + '\0' + user;
        long now = System.nanoTime();
        Cached cached = cache.get(key);
        if (cached != null && now - cached.expiresNanos() < 0) {
            return cached.answer();
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        CompletableFuture<Optional<Credential>> answer = new CompletableFuture<>();
        Cached mine = new Cached(answer, now + ttlNanos);
        Cached current = cache.compute(key, (k, old) -> old != null && now - old.expiresNanos() < 0 ? old : mine);
        if (current != mine) {
            return current.answer();
        }
        EXECUTOR.execute(() -> {
            try {
                answer.complete(run(target, user));
            } catch (Exception e) {
                cache.remove(key, mine);                  // an outage is not an answer worth keeping
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    private Optional<Credential> run(Target target, String user) throws SQLException, InterruptedException {
        slots.acquire();
        long start = System.nanoTime();
        try (Connection connection = connect(target);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 1; i <= parameters; i++) {
                statement.setString(i, user);
            }
            statement.setQueryTimeout(10);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    log.debug("auth_query: no row for user \"{}\"", printable(user));
                    return Optional.empty();
                }
                String secret = rows.getString(2);
                if (rows.next()) {
                    log.warn("auth_query returned more than one row for user \"{}\": refusing", printable(user));
                    return Optional.empty();
                }
                if (secret == null || secret.isEmpty()) {
                    log.debug("auth_query: no usable secret for user \"{}\"", printable(user));
                    return Optional.empty();
                }
                return Optional.of(Credential.parse(secret));
            }
        } finally {
            slots.release();
            log.debug("auth_query for \"{}\" on {} took {} ms", printable(user), target,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static Connection connect(Target target) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        if (target.password() != null) {
            properties.setProperty("password", target.password());
        }
        properties.setProperty("ApplicationName", "tidepool auth_query");
        properties.setProperty("options", "-c search_path=pg_catalog");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "15");
        properties.setProperty("prepareThreshold", "0");
        String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + target.port() + "/"
                + java.net.URLEncoder.encode(target.dbname(), java.nio.charset.StandardCharsets.UTF_8), properties);
    }

    /** A user name as it may appear in a log line: control characters replaced, length capped. */
    static String printable(String user) {
        String shown = user.length() > 64 ? user.substring(0, 64) + "..." : user;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
