package io.auditshipper.jdbc;

import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

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
     * Ids compare by code point on PostgreSQL whatever the column's collation (a linguistic one would order
     * them otherwise, and no Java comparison could follow it); H2 compares them as Java's String does.
     */
    public String binaryCollation() {
        return isPostgres() ? " COLLATE \"C\"" : "";
    }

    /** The order the keyset queries read ids in: see {@link #binaryCollation()}. */
    public OffsetOrder idOrder() {
        return isPostgres() ? OffsetOrder.CODE_POINT : OffsetOrder.UTF16;
    }

    /**
     * The keyset condition "(timestamp, key) after the offset" ({@code >}) or "up to it" ({@code <=}), with
     * its parameters bound by {@link #bindOffset}. PostgreSQL takes a row comparison, which it answers with
     * one range scan of the (timestamp, key) index. H2 gets an equivalent form whose first term bounds the timestamp
     * alone, so that its index scan starts at the offset: with the bare OR form it scanned the index from its start
     * and filtered, every page reading (and, for values kept in their rows, loading) every log before the offset.
     */
    public String offsetCondition(String timestampColumn, String keyColumn, String operator) {
        String ts = quote(timestampColumn);
        String key = quote(keyColumn) + binaryCollation();
        if (isPostgres()) {
            return "(" + ts + ", " + key + ") " + operator + " (?, ?)";
        }
        String strict = operator.equals(">") ? ">" : "<";
        return "(" + ts + " " + strict + "= ? AND (" + ts + " " + strict + " ? OR " + key + " " + operator + " ?))";
    }

    /** Binds the offset for {@link #offsetCondition} from {@code index}; the next free index. */
    public int bindOffset(PreparedStatement statement, int index, Offset offset) throws SQLException {
        OffsetDateTime at = OffsetDateTime.ofInstant(offset.timestamp(), ZoneOffset.UTC);
        statement.setObject(index++, at);
        if (!isPostgres()) {
            statement.setObject(index++, at);
        }
        statement.setString(index++, offset.id());
        return index;
    }

    /** The type of the key column: byte-wise ordered on PostgreSQL so the index serves the keyset order. */
    public String keyType() {
        return "VARCHAR(250)" + binaryCollation();
    }

    /** The placeholder that stores a JSON string into the value column. */
    public String jsonParameter() {
        return isPostgres() ? "CAST(? AS JSONB)" : "?";
    }

    /** A text column of any length (the recently shipped logs of a busy window run to megabytes). */
    public String textType() {
        return isPostgres() ? "TEXT" : "CHARACTER LARGE OBJECT";
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
