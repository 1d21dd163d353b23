package io.clambake.db;

import io.clambake.config.DatabaseSettings;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs Flyway only when the schema is behind. Flyway costs most of a second to start, so the
 * common case is one cheap query against its history table and nothing else.
 */
public final class SchemaMigrator {
    /** The highest migration in db/migration; a test keeps the two in step. */
    public static final int LATEST_VERSION = 12;

    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");
    private static volatile boolean migratedInThisProcess;

    private SchemaMigrator() {}

    static void ensureCurrent(Connection connection, DatabaseSettings settings) throws SQLException {
        if (currentVersion(connection) >= LATEST_VERSION) {
            return;
        }
        // Flyway's own lock covers migrating but not creating the schema, where concurrent first
        // runs collide and Flyway retries after a second. One lock per schema serialises both.
        long lock = ("clambake schema " + settings.schema()).hashCode();
        Sql.one(connection, "SELECT pg_advisory_lock(?)", rs -> true, lock);
        try {
            if (currentVersion(connection) < LATEST_VERSION) {
                // CREATE SCHEMA needs the CREATE privilege on the database even when the schema
                // exists: a team's role may own a schema made for it and have no more (README).
                boolean exists = Sql.one(
                                connection,
                                "SELECT 1 FROM pg_namespace WHERE nspname = ?",
                                rs -> true,
                                settings.schema())
                        .isPresent();
                if (!exists) {
                    Sql.update(connection, "CREATE SCHEMA IF NOT EXISTS \"" + settings.schema() + "\"");
                }
                migrate(settings);
            }
        } finally {
            Sql.one(connection, "SELECT pg_advisory_unlock(?)", rs -> true, lock);
        }
    }

    static int currentVersion(Connection connection) throws SQLException {
        String sql = """
                SELECT coalesce(max(version::int), 0)
                  FROM flyway_schema_history
                 WHERE success AND version IS NOT NULL
                """;
        try (PreparedStatement ps = connection.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    /** Whether this process ran Flyway: such a run is a poor sample of what later commands load. */
    public static boolean migratedInThisProcess() {
        return migratedInThisProcess;
    }

    static void migrate(DatabaseSettings settings) {
        migratedInThisProcess = true;
        FLYWAY_LOG.setLevel(Level.WARNING);
        org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(settings.jdbcUrl());
        settings.connectionProperties().forEach((key, value) -> {
            if (!"currentSchema".equals(key)) {
                try {
                    dataSource.setProperty(key.toString(), value.toString());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try {
            org.flywaydb.core.Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(settings.schema())
                    .defaultSchema(settings.schema())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (org.flywaydb.core.api.FlywayException e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new ClambakeException(
                    Failure.INTERNAL, "cannot migrate schema " + settings.schema() + ": " + message, e);
        }
    }
}
