package io.clambake.web;

import io.clambake.config.DatabaseSettings;
import io.clambake.db.ChangeListener;
import io.clambake.db.Database;
import io.clambake.domain.ClambakeException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Listens for table changes on a connection of its own and hands them on, as they commit. When
 * the connection drops it connects again (a second apart at first, then up to ten) and reports
 * every table as changed, since notifications sent meanwhile are lost.
 */
final class ChangeFeed implements AutoCloseable {
    /**
     * After passing changes on, the feed lets further ones gather this long: a busy swarm
     * (every verb touches its instance) costs a page a few fetches a second, not hundreds.
     */
    static final Duration GATHER = Duration.ofMillis(100);

    /** How long one wait for a notification lasts, and so how long stopping may take. */
    private static final Duration WAIT = Duration.ofSeconds(1);

    private static final Duration CHECK_AFTER = Duration.ofSeconds(30);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final DatabaseSettings settings;
    private final Consumer<Set<String>> changed;
    private final Runnable everythingChanged;
    private final PrintWriter err;
    private final Thread thread;
    private volatile boolean closed;

    /** {@code changed} gets the names of changed tables; {@code everythingChanged} runs after each (re)connect. */
    ChangeFeed(DatabaseSettings settings, Consumer<Set<String>> changed, Runnable everythingChanged, PrintWriter err) {
        this.settings = settings;
        this.changed = changed;
        this.everythingChanged = everythingChanged;
        this.err = err;
        this.thread = new Thread(this::run, "clambake-web-changes");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        boolean failing = false;
        while (!closed) {
            try (ChangeListener opened = ChangeListener.open(settings)) {
                if (failing) {
                    warn("listening for changes again");
                }
                failing = false;
                backoff = Duration.ofSeconds(1);
                everythingChanged.run();
                listen(opened);
            } catch (ClambakeException | SQLException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    String why = e instanceof SQLException sql
                            ? Database.unavailable(settings, sql).getMessage()
                            : e.getMessage();
                    warn("lost the database connection that listens for changes (" + why
                            + "); the page will not update until it is back");
                }
                failing = true;
            } catch (InterruptedException e) {
                return;
            }
            if (!sleep(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void listen(ChangeListener opened) throws SQLException, InterruptedException {
        long quietSince = System.nanoTime();
        while (!closed) {
            Set<String> tables = opened.await(WAIT);
            if (!tables.isEmpty()) {
                changed.accept(tables);
                quietSince = System.nanoTime();
                Thread.sleep(GATHER.toMillis());
            } else if (System.nanoTime() - quietSince > CHECK_AFTER.toNanos()) {
                opened.check();
                quietSince = System.nanoTime();
            }
        }
    }

    private boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void warn(String message) {
        err.println("clambake web: " + message);
        err.flush();
    }

    /** Stops listening, within one wait. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(WAIT.multipliedBy(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
