package io.auditshipper.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A JDBC database the shipper reads from or keeps offsets in: H2 (embedded) or PostgreSQL. Knows the
 * few places where their SQL differs.
 */
public record Database(String url, String username, String password) {

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    /** Quotes an identifier as Kestra's JDBC tables do (lower-case names, some of them keywords). */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Ids compare byte-wise in both databases and in Java (the offset is compared in all three); a
     * PostgreSQL column with a linguistic collation would order them otherwise.
     */
    public String binaryCollation() {
        return isPostgres() ? " COLLATE \"C\"" : "";
    }

    /** The placeholder that stores a JSON string into the value column. */
    public String jsonParameter() {
        return isPostgres() ? "CAST(? AS JSONB)" : "?";
    }

    /** The value column's type. */
    public String jsonType() {
        return isPostgres() ? "JSONB" : "CHARACTER LARGE OBJECT";
    }

    /** Where to connect, without credentials. */
    public String describe() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
