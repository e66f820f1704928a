package io.auditshipper.source;

import io.auditshipper.config.SourceConfig.Columns;
import io.auditshipper.jdbc.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The audit log table after Kestra's JDBC pattern: {@code key} primary key, {@code value} the AuditLog
 * JSON, a {@code timestamp} column and the filter columns. Creates it, and writes rows into it for the
 * demo, the tests and the benchmark.
 */
public final class AuditLogTable {

    /** A row: the log and the filter columns Kestra derives from it. */
    public record Row(io.auditshipper.model.AuditLogRecord log, String tenant, String namespace, String resource) {
    }

    private final Database database;
    private final String table;
    private final Columns columns;

    public AuditLogTable(Database database, String table, Columns columns) {
        this.database = database;
        this.table = table;
        this.columns = columns;
    }

    public String ddl() {
        String t = Database.quote(table);
        return "CREATE TABLE IF NOT EXISTS " + t + " (\n"
                + "  " + Database.quote(columns.key()) + " " + database.keyType() + " NOT NULL PRIMARY KEY,\n"
                + "  " + Database.quote(columns.value()) + " " + database.jsonType() + " NOT NULL,\n"
                + "  " + Database.quote(columns.tenant()) + " VARCHAR(250),\n"
                + "  " + Database.quote(columns.namespace()) + " VARCHAR(150),\n"
                + "  " + Database.quote(columns.resource()) + " VARCHAR(50),\n"
                + "  " + Database.quote(columns.timestamp()) + " TIMESTAMP(6) WITH TIME ZONE NOT NULL\n"
                + ");\n"
                + "CREATE INDEX IF NOT EXISTS " + Database.quote(table + "_timestamp_key") + " ON " + t + " ("
                + Database.quote(columns.timestamp()) + ", " + Database.quote(columns.key()) + ")";
    }

    public void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : ddl().split(";\n")) {
                statement.execute(sql);
            }
        }
    }

    public void insert(Connection connection, List<Row> rows) throws SQLException {
        String sql = "INSERT INTO " + Database.quote(table) + " (" + String.join(", ",
                Database.quote(columns.key()), Database.quote(columns.value()), Database.quote(columns.tenant()),
                Database.quote(columns.namespace()), Database.quote(columns.resource()),
                Database.quote(columns.timestamp())) + ") VALUES (?, " + database.jsonParameter() + ", ?, ?, ?, ?)";
        boolean autoCommit = connection.getAutoCommit();
        // One transaction for the rows: H2 commits each row of a batch on its own otherwise.
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (Row row : rows) {
                insert.setString(1, row.log().id());
                insert.setString(2, row.log().json());
                insert.setString(3, row.tenant());
                insert.setString(4, row.namespace());
                insert.setString(5, row.resource());
                insert.setObject(6, OffsetDateTime.ofInstant(row.log().timestamp(), ZoneOffset.UTC));
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
