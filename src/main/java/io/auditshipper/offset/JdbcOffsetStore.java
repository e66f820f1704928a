package io.auditshipper.offset;

import io.auditshipper.jdbc.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Offsets in a two-column KV table ({@code key}, {@code value}) of an H2 or PostgreSQL database. */
public final class JdbcOffsetStore implements OffsetStore {

    private final Database database;
    private final String table;
    private final String key;

    public JdbcOffsetStore(Database database, String table, String key) {
        this.database = database;
        this.table = Database.quote(table);
        this.key = key;
    }

    private Connection connect() throws SQLException {
        Connection connection = database.connect();
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (\"key\" VARCHAR(250) NOT NULL PRIMARY KEY, \"value\" VARCHAR(100000) NOT NULL)");
        }
        return connection;
    }

    @Override
    public StoredOffsets load() {
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement("SELECT \"value\" FROM " + table + " WHERE \"key\" = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? StoredOffsets.fromJson(row.getString(1)) : StoredOffsets.NONE;
            }
        } catch (SQLException e) {
            throw new OffsetStoreException("cannot read offsets from " + describe(), e);
        }
    }

    @Override
    public void save(StoredOffsets offsets) {
        String upsert = database.isPostgres()
                ? "INSERT INTO " + table + " (\"key\", \"value\") VALUES (?, ?) ON CONFLICT (\"key\") DO UPDATE SET \"value\" = EXCLUDED.\"value\""
                : "MERGE INTO " + table + " (\"key\", \"value\") KEY (\"key\") VALUES (?, ?)";
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(upsert)) {
            statement.setString(1, key);
            statement.setString(2, offsets.toJson());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new OffsetStoreException("cannot write offsets to " + describe(), e);
        }
    }

    @Override
    public String describe() {
        return "jdbc " + database.describe() + " table " + table + " key " + key;
    }
}
