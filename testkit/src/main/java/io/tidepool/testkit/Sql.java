package io.tidepool.testkit;

/** Quoting for the few statements the test kit builds from names (CREATE ROLE, CREATE DATABASE). Stateless. */
final class Sql {
    private Sql() {
    }

    /** A double-quoted identifier, embedded quotes doubled (PostgreSQL's quote_ident). */
    static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A single-quoted literal, embedded quotes doubled (standard_conforming_strings is on by default). */
    static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
