package io.clambake.db;

import io.clambake.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A connection of its own that LISTENs for the change notifications the watched tables' triggers
 * send (db/migration V9): it tells which tables of this schema changed, as soon as the change
 * commits. A notification sent while no one listens is gone, so a caller that reconnects must
 * assume that everything changed.
 */
public final class ChangeListener implements AutoCloseable {
    static final String CHANNEL = "clambake_changes";

    private final Connection connection;
    private final PGConnection notifications;
    private final String prefix;

    private ChangeListener(Connection connection, String schema) throws SQLException {
        this.connection = connection;
        this.notifications = connection.unwrap(PGConnection.class);
        this.prefix = schema + ".";
    }

    /** Connects (bringing the schema up to date, so the triggers exist) and starts listening. */
    public static ChangeListener open(DatabaseSettings settings) {
        Connection connection = Database.open(settings);
        try {
            ChangeListener listener = new ChangeListener(connection, settings.schema());
            Sql.update(connection, "LISTEN " + CHANNEL);
            return listener;
        } catch (SQLException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw Database.unavailable(settings, e);
        }
    }

    /**
     * The tables of this schema that changed since the last call, waiting up to {@code timeout}
     * for the first change; empty when none came. Throws when the connection is gone.
     */
    public Set<String> await(Duration timeout) throws SQLException {
        PGNotification[] received = notifications.getNotifications((int) Math.max(1, timeout.toMillis()));
        Set<String> tables = new LinkedHashSet<>();
        if (received != null) {
            for (PGNotification n : received) {
                if (CHANNEL.equals(n.getName()) && n.getParameter().startsWith(prefix)) {
                    tables.add(n.getParameter().substring(prefix.length()));
                }
            }
        }
        return tables;
    }

    /**
     * The listening connection, in autocommit: a waiter re-queries on it (notifications that
     * arrive meanwhile wait in the driver for the next {@link #await}).
     */
    Connection connection() {
        return connection;
    }

    /** A round trip that fails when the server is gone, for a listener that has heard nothing for a while. */
    public void check() throws SQLException {
        Sql.one(connection, "SELECT 1", rs -> true);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
