package io.clambake.daemon;

import io.clambake.config.DatabaseSettings;
import io.clambake.db.ConnectionSource;
import io.clambake.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The resident process's connections, kept open between commands, one small stack per database
 * (each command names its own, through its variables and options). A new connection is opened as
 * a command of its own would open it ({@link Database#open}: the same errors, timeouts and schema
 * check), so a command answers the same either way; there is no cap and no queue, so a command
 * that waits never makes another one wait for a connection.
 *
 * <p>A connection is lent without a round trip when it was last known good (used, or checked by
 * {@link #checkRecent}) under a second ago; else it is checked first. Between the commands of a
 * working session (a hook every few seconds) the resident process checks its recently used
 * connections in the background, so that a command does not wait for that round trip.
 */
final class Connections implements ConnectionSource, AutoCloseable {
    private static final int IDLE_PER_DATABASE = 4;
    /** A connection last known good longer ago than this is checked with a round trip before it is lent. */
    static final long CHECK_AFTER_NANOS = 1_000_000_000L;

    private final Map<DatabaseSettings, Deque<Idle>> idle = new HashMap<>();
    private final Map<Connection, DatabaseSettings> lent = new IdentityHashMap<>();
    private boolean closed;

    /** {@code since}: returned to the pool; {@code good}: last known to work (used or checked). */
    private record Idle(Connection connection, long since, long good) {}

    @Override
    public Connection connect(Supplier<DatabaseSettings> settingsOfCommand) {
        DatabaseSettings settings = settingsOfCommand.get();
        Idle candidate;
        while ((candidate = takeIdle(settings)) != null) {
            Connection connection = candidate.connection();
            if (System.nanoTime() - candidate.good() < CHECK_AFTER_NANOS || stillUsable(connection)) {
                return lend(connection, settings);
            }
            closeQuietly(connection);
        }
        return lend(Database.open(settings), settings);
    }

    @Override
    public void release(Connection connection) {
        DatabaseSettings settings;
        synchronized (this) {
            settings = lent.remove(connection);
        }
        try {
            // A command that failed mid-transaction, or changed the connection, does not pass it on.
            if (settings == null || connection.isClosed() || !connection.getAutoCommit()) {
                closeQuietly(connection);
                return;
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            return;
        }
        long now = System.nanoTime();
        if (!putBack(settings, new Idle(connection, now, now))) {
            closeQuietly(connection);
        }
    }

    /** Closes connections nobody used for {@code nanos}: a database that went away, a test's dropped one. */
    void closeIdle(long nanos) {
        long now = System.nanoTime();
        synchronized (this) {
            for (Iterator<Deque<Idle>> stacks = idle.values().iterator(); stacks.hasNext(); ) {
                Deque<Idle> stack = stacks.next();
                stack.removeIf(i -> {
                    if (now - i.since() > nanos) {
                        closeQuietly(i.connection());
                        return true;
                    }
                    return false;
                });
                if (stack.isEmpty()) {
                    stacks.remove();
                }
            }
        }
    }

    /**
     * Checks, with a round trip each, the idle connections returned less than {@code usedWithin}
     * ago and last known good over {@code olderThan} ago; closes those that fail. Each is out of
     * the pool while it is checked (a command meanwhile takes another, or opens one).
     */
    void checkRecent(long usedWithin, long olderThan) {
        long now = System.nanoTime();
        List<Map.Entry<DatabaseSettings, Idle>> due = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<DatabaseSettings, Deque<Idle>> stack : idle.entrySet()) {
                stack.getValue().removeIf(i -> {
                    if (now - i.since() < usedWithin && now - i.good() > olderThan) {
                        due.add(Map.entry(stack.getKey(), i));
                        return true;
                    }
                    return false;
                });
            }
        }
        for (Map.Entry<DatabaseSettings, Idle> entry : due) {
            Idle checked = entry.getValue();
            if (!stillUsable(checked.connection())) {
                closeQuietly(checked.connection());
                continue;
            }
            if (!putBack(entry.getKey(), new Idle(checked.connection(), checked.since(), System.nanoTime()))) {
                closeQuietly(checked.connection());
            }
        }
    }

    /** Puts an idle connection on top; false when the pool is closed or holds enough of that database's already. */
    private synchronized boolean putBack(DatabaseSettings settings, Idle connection) {
        Deque<Idle> stack = idle.computeIfAbsent(settings, s -> new ArrayDeque<>());
        if (closed || stack.size() >= IDLE_PER_DATABASE) {
            return false;
        }
        stack.push(connection);
        return true;
    }

    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        closeIdle(-1);
    }

    private synchronized Idle takeIdle(DatabaseSettings settings) {
        Deque<Idle> stack = idle.get(settings);
        return stack == null ? null : stack.poll();
    }

    private synchronized Connection lend(Connection connection, DatabaseSettings settings) {
        lent.put(connection, settings);
        return connection;
    }

    private static boolean stillUsable(Connection connection) {
        try {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // a broken connection has nothing more to say
        }
    }
}
