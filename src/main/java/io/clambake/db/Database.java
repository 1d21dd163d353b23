package io.clambake.db;

import io.clambake.config.DatabaseSettings;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/** Opens the one connection a short-lived command needs, with the schema brought up to date. */
public final class Database {
    private Database() {}

    public static Connection open(DatabaseSettings settings) {
        Connection connection = connect(settings);
        try {
            SchemaMigrator.ensureCurrent(connection, settings);
            return connection;
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw unavailable(settings, e);
        }
    }

    static Connection connect(DatabaseSettings settings) {
        try {
            return DriverManager.getConnection(settings.jdbcUrl(), settings.connectionProperties());
        } catch (SQLException e) {
            throw unavailable(settings, e);
        }
    }

    /** The database's clock, which wrote every stored time: ages computed from it need no synced JVM clock. */
    public static OffsetDateTime now(Connection connection) throws SQLException {
        return Sql.one(connection, "SELECT now() AS now", rs -> Sql.time(rs, "now"))
                .orElseThrow();
    }

    /** True for errors that mean "cannot reach or log in to the database", not "bad statement". */
    public static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null
                || state.startsWith("08")
                || state.startsWith("28")
                || state.equals("3D000")
                || state.startsWith("57P");
    }

    /**
     * True when the server refused a value (a CHECK constraint, a malformed number or date): bad
     * input, not a bug. The driver's own errors in these classes are bugs and stay exit 1.
     */
    public static boolean isInputRejected(SQLException e) {
        String state = e.getSQLState();
        boolean fromServer = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null;
        return fromServer && state != null && (state.startsWith("22") || state.equals("23514"));
    }

    public static ClambakeException unavailable(DatabaseSettings settings, SQLException e) {
        return new ClambakeException(
                Failure.DATABASE_UNAVAILABLE, "cannot use PostgreSQL at " + settings.describe() + ": " + reason(e), e);
    }

    private static String reason(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "08001", "08004" ->
                e.getMessage() != null && e.getMessage().contains("refused")
                        ? "connection refused (is the server running?)"
                        : firstLine(e);
            case "28P01" -> "password authentication failed";
            case "3D000" -> "database does not exist";
            default -> firstLine(e);
        };
    }

    private static String firstLine(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the original failure is the one worth reporting
        }
    }
}
