package io.tidepool.pooler.admin;

import io.tidepool.testkit.PgTarget;
import io.tidepool.testkit.ProcessResult;
import io.tidepool.testkit.Psql;

import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helpers that talk to an admin console with psql (simple protocol) and pgjdbc (extended protocol). */
final class Console {
    private Console() {
    }

    /** psql -A -c: the header line's column names (the simple query protocol, as libpq-based tools use). */
    static List<String> psqlColumns(PgTarget target, String command) {
        ProcessResult result = Psql.run(target, "-v", "ON_ERROR_STOP=1", "-A", "-c", command).requireSuccess();
        String header = result.stdout().lines().findFirst().orElse("");
        return header.isEmpty() ? List.of() : Arrays.asList(header.split("\\|", -1));
    }

    /** psql -At -c: rows, fields separated by '|'; throws with stderr on error. */
    static List<String[]> psqlRows(PgTarget target, String command) {
        String out = Psql.query(target, command);
        List<String[]> rows = new ArrayList<>();
        out.lines().filter(l -> !l.isEmpty()).forEach(l -> rows.add(l.split("\\|", -1)));
        return rows;
    }

    /** psql's stderr for a command expected to fail. */
    static String psqlError(PgTarget target, String command) {
        ProcessResult result = Psql.run(target, "-v", "ON_ERROR_STOP=1", "-A", "-c", command);
        if (result.succeeded()) {
            throw new AssertionError("expected an error from '" + command + "', got: " + result.stdout());
        }
        return result.stderr();
    }

    /** "name:typeletter" for each column of a JDBC result (pgjdbc's default extended protocol). */
    static List<String> jdbcColumns(Connection connection, String command) throws SQLException {
        try (Statement st = connection.createStatement(); var rs = st.executeQuery(command)) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(md.getColumnLabel(i) + ":" + letter(md.getColumnTypeName(i)));
            }
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    rs.getString(i);                       // every value decodes
                }
            }
            return columns;
        }
    }

    /** PgBouncer's type letter for a PostgreSQL type name (text also stands for 'T', timestamps sent as text). */
    private static String letter(String typeName) {
        return switch (typeName) {
            case "text" -> "s";
            case "int4" -> "i";
            case "int8" -> "q";
            case "numeric" -> "N";
            case "bytea" -> "b";
            default -> "?" + typeName;
        };
    }

    /** The reference list with 'T' read as text: on the wire PgBouncer declares timestamps as text. */
    static List<String> asWire(List<String> reference) {
        return reference.stream().map(c -> c.endsWith(":T") ? c.substring(0, c.length() - 1) + "s" : c).toList();
    }
}
