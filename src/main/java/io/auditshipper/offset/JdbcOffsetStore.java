package io.auditshipper.offset;

import io.auditshipper.jdbc.Database;
import io.auditshipper.jdbc.LazyConnection;

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
    private final LazyConnection connection;
    private Connection lockConnection;

    public JdbcOffsetStore(Database database, String table, String key) {
        this.database = database;
        this.table = Database.quote(table);
        this.key = key;
        // One connection for every load and save (a save per batch), the table created once on it.
        this.connection = new LazyConnection(database, opened -> {
            try (Statement ddl = opened.createStatement()) {
                ddl.execute("CREATE TABLE IF NOT EXISTS " + this.table
                        + " (\"key\" VARCHAR(250) NOT NULL PRIMARY KEY, \"value\" " + database.textType() + " NOT NULL)");
            }
        });
    }

    @Override
    public String read(String suffix) {
        try (PreparedStatement select = connection.get().prepareStatement("SELECT \"value\" FROM " + table + " WHERE \"key\" = ?")) {
            select.setString(1, key + suffix);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        } catch (SQLException e) {
            connection.close();
            throw new OffsetStoreException("cannot read " + describe(suffix), e);
        }
    }

    @Override
    public void write(String suffix, String value) {
        String upsert = database.isPostgres()
                ? "INSERT INTO " + table + " (\"key\", \"value\") VALUES (?, ?) ON CONFLICT (\"key\") DO UPDATE SET \"value\" = EXCLUDED.\"value\""
                : "MERGE INTO " + table + " (\"key\", \"value\") KEY (\"key\") VALUES (?, ?)";
        try (PreparedStatement statement = connection.get().prepareStatement(upsert)) {
            statement.setString(1, key + suffix);
            statement.setString(2, value);
            statement.executeUpdate();
        } catch (SQLException e) {
            connection.close();
            throw new OffsetStoreException("cannot write " + describe(suffix), e);
        }
    }

    /**
     * On PostgreSQL, a session advisory lock on the offset key, held by a connection of its own: the server
     * drops it when the connection goes. An embedded H2 file is opened by one process only already.
     */
    @Override
    public synchronized void lock() {
        if (lockConnection != null) {
            return;
        }
        if (!database.isPostgres()) {
            return;
        }
        try {
            Connection session = database.connect();
            try (PreparedStatement statement = session.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
                statement.setString(1, lockName());
                try (ResultSet locked = statement.executeQuery()) {
                    locked.next();
                    if (!locked.getBoolean(1)) {
                        session.close();
                        throw new OffsetStoreException("another shipper holds the lock on offsetKey " + key + " in "
                                + database.describe() + "; only one instance may ship it at a time", null);
                    }
                }
            }
            lockConnection = session;
        } catch (SQLException e) {
            throw new OffsetStoreException("cannot lock offsetKey " + key + " in " + database.describe(), e);
        }
    }

    @Override
    public synchronized void close() {
        connection.close();
        if (lockConnection != null) {
            // Released before the session closes: the server drops a closed session's locks only once its backend
            // has gone, after close() returned, so a shipper started right after this one could find the key held.
            try (PreparedStatement unlock = lockConnection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                unlock.setString(1, lockName());
                unlock.execute();
            } catch (SQLException ignored) {
                // the session's end releases it, as below
            }
            try {
                lockConnection.close();
            } catch (SQLException ignored) {
                // the server releases the advisory lock with the session either way
            }
            lockConnection = null;
        }
    }

    private String lockName() {
        return "kestra-audit-shipper/" + table + "/" + key;
    }

    @Override
    public String describe(String suffix) {
        return "jdbc " + database.describe() + " table " + table + " key " + key + suffix;
    }
}
