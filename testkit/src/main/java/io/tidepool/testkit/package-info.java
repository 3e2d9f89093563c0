/**
 * The test kit: throw-away PostgreSQL clusters started from the installed binaries ({@link
 * io.tidepool.testkit.PostgresCluster}, {@link io.tidepool.testkit.SharedPostgres}), free loopback ports, external
 * processes with timeouts and tree kill, thin wrappers around the real {@code psql}, {@code pgbench} and
 * {@code pgbouncer} binaries, and a JUnit extension that prints server logs when a test fails. Integration tests
 * ({@code *IT}) of every module use it; nothing here is shipped. Everything is safe to call from any test thread; the
 * lifecycle methods of one cluster or process are serialised by the object itself.
 */
@NullMarked
package io.tidepool.testkit;

import org.jspecify.annotations.NullMarked;
