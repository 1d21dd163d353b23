package io.clambake.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.clambake.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * A small HikariCP pool for a long-lived process (the MCP server), so that a call costs a query,
 * not a connection. It starts without a connection, so a server can come up while the database
 * is down; the schema is checked (and migrated if behind) once, on the first connection.
 */
public final class Pool implements ConnectionSource, AutoCloseable {
    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private volatile boolean schemaChecked;

    private Pool(DatabaseSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
    }

    public static Pool open(DatabaseSettings settings, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("clambake");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setDataSourceProperties(settings.connectionProperties());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        // A full or starting server: the pool keeps trying to connect for as long as a command would.
        config.setConnectionTimeout(Math.max(5_000, settings.connectRetry().toMillis()));
        config.setInitializationFailTimeout(-1);
        return new Pool(settings, new HikariDataSource(config));
    }

    /** The pool serves the one database it was opened for. */
    @Override
    public Connection connect(Supplier<DatabaseSettings> ignored) {
        return connect();
    }

    public Connection connect() {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw Database.unavailable(settings, e);
        }
        if (!schemaChecked) {
            try {
                synchronized (this) {
                    if (!schemaChecked) {
                        SchemaMigrator.ensureCurrent(connection, settings);
                        schemaChecked = true;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the original failure is the one worth reporting
                }
                throw e instanceof SQLException sql ? Database.unavailable(settings, sql) : (RuntimeException) e;
            }
        }
        return connection;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
