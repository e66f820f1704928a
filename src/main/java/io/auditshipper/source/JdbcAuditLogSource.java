package io.auditshipper.source;

import io.auditshipper.config.SourceConfig;
import io.auditshipper.config.SourceConfig.Columns;
import io.auditshipper.jdbc.Database;
import io.auditshipper.jdbc.LazyConnection;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;

/**
 * Reads Kestra's audit log table directly with keyset paging on (timestamp, key): each page is one
 * indexed query after the last row of the previous one, so a backlog of any size streams in constant
 * memory and rows that share a timestamp are neither skipped nor repeated at a page boundary.
 */
public final class JdbcAuditLogSource implements AuditLogSource {

    private final Database database;
    private final SourceConfig config;
    private final AuditLogFilter filter;
    private final String selectPage;
    private final String deleteUpTo;
    private final String countBefore;
    private final LazyConnection connection;

    public JdbcAuditLogSource(SourceConfig config, AuditLogFilter filter) {
        this.database = new Database(config.url(), config.username(), config.password());
        this.config = config;
        this.filter = filter;
        this.connection = new LazyConnection(database, opened -> {
            if (config.createTable()) {
                new AuditLogTable(database, config.table(), config.columns()).create(opened);
            }
        });
        Columns c = config.columns();
        String table = Database.quote(config.table());
        String ts = Database.quote(c.timestamp());
        String key = Database.quote(c.key()) + database.binaryCollation();
        this.selectPage = "SELECT " + Database.quote(c.key()) + ", " + Database.quote(c.value()) + ", " + ts
                + " FROM " + table + " WHERE " + database.offsetCondition(c.timestamp(), c.key(), ">")
                + " AND " + ts + " <= ?" + filterSql() + " ORDER BY " + ts + ", " + key + " LIMIT ?";
        this.countBefore = "SELECT COUNT(*) FROM " + table + " WHERE " + ts + " < ?" + filterSql();
        this.deleteUpTo = "DELETE FROM " + table + " WHERE " + database.offsetCondition(c.timestamp(), c.key(), "<=")
                + filterSql();
    }

    private String filterSql() {
        StringBuilder sql = new StringBuilder();
        if (!filter.resources().isEmpty()) {
            sql.append(" AND ").append(Database.quote(config.columns().resource())).append(" IN (")
                    .append(String.join(", ", filter.resources().stream().map(r -> "?").toList())).append(")");
        }
        if (filter.namespace() != null) {
            String ns = Database.quote(config.columns().namespace());
            sql.append(" AND (").append(ns).append(" = ? OR ").append(ns).append(" LIKE ?)");
        }
        if (!filter.types().isEmpty()) {
            sql.append(" AND ").append(typeExpression()).append(" IN (").append(typeParameters(filter.types().size())).append(")");
        }
        if (!filter.excludeTypes().isEmpty()) {
            String type = typeExpression();
            sql.append(" AND (").append(type).append(" IS NULL OR ").append(type).append(" NOT IN (")
                    .append(typeParameters(filter.excludeTypes().size())).append("))");
        }
        return sql.toString();
    }

    /**
     * The AuditLog's action, its top-level {@code type}, read from the JSON value (the table has no column for
     * it). PostgreSQL: {@code value->>'type'} on the jsonb column, the text of the field. H2 (the value a CLOB of
     * JSON text): H2 2.x has no JSON_VALUE, but parses text given {@code FORMAT JSON} and reads an object's field
     * with a field reference, {@code (value FORMAT JSON)."type"}, a JSON value compared to the JSON strings
     * {@code "READ"}...: exact whatever the spacing or escapes of the text, and only the top-level field (never
     * {@code detail.type}); a log without one is NULL. A LIKE on the text would be neither.
     */
    private String typeExpression() {
        String value = Database.quote(config.columns().value());
        return database.isPostgres() ? "(" + value + " ->> 'type')" : "(" + value + " FORMAT JSON).\"type\"";
    }

    private String typeParameters(int count) {
        String one = database.isPostgres() ? "?" : "? FORMAT JSON";
        return String.join(", ", java.util.Collections.nCopies(count, one));
    }

    /** A type as bound in {@link #typeParameters}: the text on PostgreSQL, the JSON string on H2. */
    private String typeValue(String type) {
        return database.isPostgres() ? type : "\"" + type + "\"";
    }

    private int bindFilter(PreparedStatement statement, int index) throws SQLException {
        for (String resource : filter.resources()) {
            statement.setString(index++, resource);
        }
        if (filter.namespace() != null) {
            statement.setString(index++, filter.namespace());
            statement.setString(index++, filter.namespace().replace("%", "\\%").replace("_", "\\_") + ".%");
        }
        for (String type : filter.types()) {
            statement.setString(index++, typeValue(type));
        }
        for (String type : filter.excludeTypes()) {
            statement.setString(index++, typeValue(type));
        }
        return index;
    }

    @Override
    public Iterator<List<AuditLogRecord>> read(Offset after, Instant until) {
        return new PageIterator() {
            private Offset position = after;
            private boolean exhausted;

            @Override
            protected List<AuditLogRecord> fetch() {
                if (exhausted) {
                    return null;
                }
                StoredPage page = page(position, until);
                exhausted = page.size() < config.pageSize();
                if (page.isEmpty()) {
                    return null;
                }
                position = page.lastOffset();
                return page;
            }
        };
    }

    private StoredPage page(Offset after, Instant until) {
        try (PreparedStatement select = connection.get().prepareStatement(selectPage)) {
            int index = database.bindOffset(select, 1, after);
            select.setObject(index++, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
            index = bindFilter(select, index);
            select.setInt(index, config.pageSize());
            select.setFetchSize(config.pageSize());
            StoredPage.Builder page = new StoredPage.Builder(config.pageSize());
            try (ResultSet rows = select.executeQuery()) {
                String valueType = rows.getMetaData().getColumnTypeName(2);
                boolean validJson = "jsonb".equalsIgnoreCase(valueType) || "json".equalsIgnoreCase(valueType);
                while (rows.next()) {
                    Instant timestamp = rows.getObject(3, OffsetDateTime.class).toInstant();
                    if (validJson) {
                        // Its UTF-8 text, which PostgreSQL's and H2's drivers both hand over as received.
                        page.addJson(rows.getString(1), timestamp, rows.getBytes(2));
                    } else {
                        page.addText(rows.getString(1), timestamp, rows.getString(2));
                    }
                }
            }
            return page.build();
        } catch (SQLException e) {
            connection.close();
            throw new SourceException("reading " + describe() + " after " + after + " failed", e);
        }
    }

    @Override
    public OffsetOrder order() {
        return database.idOrder();
    }

    @Override
    public long countBefore(Instant before) {
        try (PreparedStatement count = connection.get().prepareStatement(countBefore)) {
            count.setObject(1, OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
            bindFilter(count, 2);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            connection.close();
            throw new SourceException("counting the logs before " + before + " in " + describe() + " failed", e);
        }
    }

    @Override
    public long deleteUpTo(Offset upTo) {
        try (PreparedStatement delete = connection.get().prepareStatement(deleteUpTo)) {
            bindFilter(delete, database.bindOffset(delete, 1, upTo));
            return delete.executeUpdate();
        } catch (SQLException e) {
            connection.close();
            throw new SourceException("deleting shipped logs up to " + upTo + " from " + describe() + " failed", e);
        }
    }

    @Override
    public String describe() {
        return "jdbc " + database.describe() + " table " + config.table();
    }

    @Override
    public void close() {
        connection.close();
    }
}
