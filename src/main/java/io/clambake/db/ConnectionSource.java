package io.clambake.db;

import io.clambake.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/** Where a long-lived process gets connections for its commands, and takes them back. */
public interface ConnectionSource {
    /**
     * A connection to a current schema for a command whose database is {@code settings} (a source
     * serving one database never asks); throws ClambakeException DATABASE_UNAVAILABLE when it cannot.
     */
    Connection connect(Supplier<DatabaseSettings> settings);

    /** Takes back a connection that {@link #connect} gave out; the command no longer uses it. */
    default void release(Connection connection) throws SQLException {
        connection.close();
    }
}
