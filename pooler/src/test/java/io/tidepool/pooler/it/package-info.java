/**
 * Acceptance tests of the pooler in session mode (issue 2) against real PostgreSQL from the test kit and real
 * clients (psql, pgbench, PostgreSQL JDBC, and a raw-socket client for bad input): {@link
 * io.tidepool.pooler.it.TidepoolFixture} starts an in-process pooler in front of the shared cluster, {@link
 * io.tidepool.pooler.it.RawClient} speaks the wire protocol byte by byte, {@link io.tidepool.pooler.it.Bystander}
 * proves that a second client is unaffected. Case numbers refer to shared/RELIABILITY.md section 4.
 */
@org.jspecify.annotations.NullMarked
package io.tidepool.pooler.it;
