package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the session-object scan reports for SQL text: temporary objects, WITH HOLD cursors and session-level advisory
 * locks, and nothing for the statements that leave nothing behind. The statements' effect on a real server is
 * checked by SessionObjectsIT; this pins down the word rules, the Parse form and the scan's bound.
 */
class SessionObjectScanTest {

    /** A Query body as it arrives: the SQL text and its terminating NUL, in a direct buffer. */
    private static ByteBuf body(String sql) {
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        return Unpooled.directBuffer(text.length).writeBytes(text);
    }

    private static String scan(String sql) {
        ByteBuf body = body(sql);
        try {
            if (!SessionObjectScan.mayMakeObject(body, 0)) {
                return "skipped";
            }
            String feature = SessionObjectScan.feature(new SessionObjectScan().scan(body, 0));
            return feature == null ? "none" : feature;
        } finally {
            body.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TEMP TABLE t(i int)", "create temporary table t(i int)", "  \n CREATE LOCAL TEMP TABLE t(i int)",
        "CREATE GLOBAL TEMPORARY TABLE t(i int)", "CREATE TEMP TABLE t(i int) ON COMMIT DELETE ROWS",
        "CREATE TEMP VIEW v AS SELECT 1", "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1",
        "CREATE TEMP SEQUENCE s", "CREATE TABLE IF NOT EXISTS pg_temp.t(i int)", "CREATE TEMP TABLE t AS SELECT 1",
        "SELECT 1 INTO TEMP t", "select 1 into temporary table t", "SELECT 1 INTO LOCAL TEMP t",
        "SELECT * INTO pg_temp.t FROM x", "WITH x AS (SELECT 1) SELECT * INTO TEMP t FROM x",
        "SELECT 1; CREATE TEMP TABLE t(i int)", "SELECT ';'; CREATE TEMP TABLE t(i int)",
        "CREATE TEMP TABLE a(i int) ON COMMIT DROP; CREATE TEMP TABLE b(i int)",
        "DO $$BEGIN CREATE TEMP TABLE t(i int); END$$", "SELECT 'into temp'", "BEGIN; CREATE TEMP TABLE t(i int)",
        "CREATE TEMP TABLE t(i int); DROP TABLE u", "DROP TABLE t; CREATE TEMP TABLE t(i int)",
        "CREATE TEMP TABLE t(i int); CREATE TEMP VIEW v AS SELECT 1; DROP TABLE t"})
    void temporaryObjects(String sql) {
        assertThat(scan(sql)).as(sql).isEqualTo(SessionObjectScan.TEMPORARY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DECLARE c CURSOR WITH HOLD FOR SELECT 1", "declare c no scroll cursor with hold for x",
        "DECLARE c BINARY INSENSITIVE SCROLL CURSOR\nWITH\tHOLD FOR SELECT 1",
        "SELECT 1; DECLARE c CURSOR WITH HOLD FOR SELECT 1", "BEGIN; DECLARE c CURSOR WITH HOLD FOR SELECT 1; COMMIT"})
    void withHoldCursors(String sql) {
        assertThat(scan(sql)).as(sql).isEqualTo(SessionObjectScan.WITH_HOLD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT pg_advisory_lock(1)", "select PG_ADVISORY_LOCK_SHARED(1, 2)",
        "SELECT pg_try_advisory_lock(1)", "SELECT pg_catalog.pg_try_advisory_lock_shared(1)",
        "SELECT id FROM jobs WHERE pg_try_advisory_lock(id) LIMIT 1", "WITH j AS (SELECT pg_advisory_lock(1)) SELECT 1",
        "DO $$BEGIN PERFORM pg_advisory_lock(1); END$$", "CREATE TEMP TABLE t AS SELECT pg_advisory_lock(1)",
        "SELECT pg_advisory_xact_lock(1), pg_advisory_lock(2)", "begin; select pg_advisory_lock(1); rollback"})
    void sessionAdvisoryLocks(String sql) {
        assertThat(scan(sql)).as(sql).isEqualTo(SessionObjectScan.ADVISORY_LOCK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "SELECT temp FROM readings", "SELECT 'temp', 'template', 'tmp'",
        "CREATE TABLE readings(temp int)", "CREATE TABLE t(i int); SELECT temp FROM t",
        "CREATE TEMP TABLE t(i int) ON COMMIT DROP", "create temporary table t (i int) on  commit\ndrop",
        "DECLARE c CURSOR FOR SELECT 1", "DECLARE c CURSOR WITHOUT HOLD FOR SELECT 1",
        "SELECT pg_advisory_xact_lock(1)", "SELECT pg_try_advisory_xact_lock_shared(1)",
        "SELECT pg_advisory_unlock(1), pg_advisory_unlock_all()",
        "SELECT 1 INTO t", "SELECT 1 INTO UNLOGGED t", "CREATE FUNCTION f() RETURNS void AS 'select 1' LANGUAGE sql",
        "CREATE VIEW v AS SELECT 1", "CREATE INDEX ON t(temp)", "CREATE TABLE temp(i int)", "SET x = 1",
        "COMMIT", "BEGIN", "BEGIN; SELECT 1; COMMIT", "WITH x AS (SELECT 1) SELECT * FROM x",
        "CREATE TABLE t(i int) -- temp", "s", "c", "CREATE TEMP TABLE b_writes(i int); DROP TABLE b_writes",
        "create temporary table if not exists pg_temp.t(i int); insert into t values (1); drop table if exists t",
        "SELECT 1 INTO TEMP TABLE t; DROP TABLE t"})
    void nothingThatOutlivesItsTransaction(String sql) {
        assertThat(scan(sql)).as(sql).isEqualTo("none");
    }

    /** The first byte decides: these are never scanned (so neither are their objects, as the class says). */
    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1 WHERE pg_try_advisory_lock(id)",
        "", "END", "EXPLAIN ANALYZE SELECT pg_advisory_lock(1)", "/* c */ CREATE TEMP TABLE t(i int)",
        "(SELECT 1)"})
    void otherFirstLettersAreNotScanned(String sql) {
        assertThat(scan(sql)).as(sql).isEqualTo("skipped");
    }

    /** A Parse body: the statement name, its NUL, then the text; the scan stops at the text's NUL. */
    @ParameterizedTest
    @CsvSource({"s1,CREATE TEMP TABLE t(i int),1", ",SELECT pg_advisory_lock(1),4", "s2,SELECT 1,0"})
    void parseBody(String name, String sql, int expected) {
        byte[] n = (name == null ? "" : name).getBytes(StandardCharsets.UTF_8);
        ByteBuf body = Unpooled.directBuffer().writeBytes(n).writeByte(0)
                .writeBytes(sql.getBytes(StandardCharsets.UTF_8)).writeByte(0).writeShort(1).writeInt(23);
        try {
            int at = n.length + 1;
            assertThat(SessionObjectScan.mayMakeObject(body, at)).isTrue();
            assertThat(new SessionObjectScan().scan(body, at)).isEqualTo(expected);
        } finally {
            body.release();
        }
    }

    /** Only the first SCAN_LIMIT bytes are read: a lock named after them is not seen (the documented bound). */
    @Test
    void scanIsBounded() {
        String filler = "SELECT " + "x, ".repeat(SessionObjectScan.SCAN_LIMIT / 3);
        assertThat(scan(filler + "pg_advisory_lock(1)")).isEqualTo("none");
        assertThat(scan("SELECT pg_advisory_lock(1), " + filler.substring(7) + "1")).isEqualTo(
                SessionObjectScan.ADVISORY_LOCK);
    }

    /** One scanner is reused per client: a scan starts afresh. */
    @Test
    void scannerKeepsNothingBetweenScans() {
        SessionObjectScan scanner = new SessionObjectScan();
        ByteBuf first = body("CREATE TEMP TABLE t(i int); BEGIN");
        ByteBuf second = body("SELECT 1 INTO t");
        ByteBuf third = body("DECLARE c CURSOR WITH");
        ByteBuf fourth = body("HOLD FOR SELECT 1");
        try {
            assertThat(scanner.scan(first, 0)).isEqualTo(SessionObjectScan.FOUND_TEMPORARY);
            assertThat(scanner.scan(second, 0)).isZero();
            assertThat(scanner.scan(third, 0)).isZero();
            assertThat(scanner.scan(fourth, 0)).isZero();
        } finally {
            first.release();
            second.release();
            third.release();
            fourth.release();
        }
    }

    /** Prints the cost of a scan (no assertion: figures only, as the guide asks). */
    @Test
    void printsScanCost() {
        ByteBuf tracked = body("SELECT id, name, created_at, updated_at FROM accounts a JOIN owners o ON o.id = a.owner"
                + " WHERE a.id = $1 AND o.active AND a.balance > $2 ORDER BY a.created_at DESC LIMIT 50");
        ByteBuf body = tracked.unwrap() != null ? tracked.unwrap() : tracked;       // no leak-detector wrapper
        SessionObjectScan scanner = new SessionObjectScan();
        int sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += scanner.scan(body, 0);
        }
        long start = System.nanoTime();
        int rounds = 1_000_000;
        for (int i = 0; i < rounds; i++) {
            sink += scanner.scan(body, 0);
        }
        long nanos = System.nanoTime() - start;
        long start2 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            sink += body.forEachByte(0, body.readableBytes(), b -> b != 1);
        }
        long empty = System.nanoTime() - start2;
        System.out.printf("session object scan: %d-byte SELECT, %.1f ns a scan; forEachByte doing nothing:"
                + " %.1f ns; %s (%d)%n", body.readableBytes(), (double) nanos / rounds, (double) empty / rounds,
                body.getClass().getSimpleName(), sink);
        tracked.release();
    }
}
