package io.auditshipper.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One connection kept open between calls, opened on first use (running {@code prepare} once on it, e.g.
 * to create a table) and dropped after a failure, so the next call reconnects instead of reusing a broken one.
 */
public final class LazyConnection implements AutoCloseable {

    /** Work done once on each new connection. */
    @FunctionalInterface
    public interface Prepare {
        void on(Connection connection) throws SQLException;
    }

    private final Database database;
    private final Prepare prepare;
    private Connection connection;

    public LazyConnection(Database database, Prepare prepare) {
        this.database = database;
        this.prepare = prepare;
    }

    public synchronized Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection opened = database.connect();
            try {
                prepare.on(opened);
            } catch (SQLException e) {
                opened.close();
                throw e;
            }
            connection = opened;
        }
        return connection;
    }

    /** Drops the connection, after a failure or at the end. */
    @Override
    public synchronized void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the connection is dropped either way; the next call opens a new one
        }
        connection = null;
    }
}
