/**
 * Acceptance tests of transaction and statement pooling (issue 3) against real PostgreSQL and real clients (pgbench,
 * PostgreSQL JDBC, psql) and a raw-socket client: named prepared statements remapped across server connections,
 * session parameters replayed per client, cancel races, extended-protocol pipelines, and isolation between clients
 * that share one server connection. Case numbers refer to shared/RELIABILITY.md section 4.
 */
@org.jspecify.annotations.NullMarked
package io.tidepool.pooler.it.tx;
