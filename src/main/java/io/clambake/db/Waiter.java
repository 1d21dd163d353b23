package io.clambake.db;

import io.clambake.config.DatabaseSettings;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.Failure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Waits for something to appear in the database without polling: LISTENs for the change
 * notifications of the watched tables (V9's triggers notify at commit, in the inserting
 * transaction), and runs its check once the LISTEN is in place, then after every notification
 * of those tables and after every reconnect. A notification lost with a dropped connection
 * costs nothing: the check after reconnecting finds what it announced. The check runs in
 * autocommit on the listening connection, so nothing sits idle in a transaction, and between
 * checks the thread blocks in a socket read: no CPU while waiting.
 */
public final class Waiter {
    /** How long one blocking read lasts: a thread told to stop (interrupted) stops within it. */
    static final Duration SLICE = Duration.ofSeconds(2);
    /** A listener that heard nothing for this long makes one round trip, so a dead server is noticed. */
    static final Duration CHECK_AFTER = Duration.ofSeconds(60);

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final AtomicInteger WAITING = new AtomicInteger();

    /** The thing waited for, looked up on the listening connection; empty while it is not there. */
    @FunctionalInterface
    public interface Check<T> {
        Optional<T> run(Connection connection) throws SQLException;
    }

    private Waiter() {}

    /**
     * Threads of this process waiting right now: a long-lived process (the resident) does not
     * count them against its limit of commands at once, so waiting agents never crowd out others.
     */
    public static int waiting() {
        return WAITING.get();
    }

    /**
     * The check's first non-empty answer, or empty when {@code timeout} passes (or the thread is
     * interrupted) first. A database that stays unreachable to the end fails with its error.
     */
    public static <T> Optional<T> until(DatabaseSettings settings, Duration timeout, Set<String> tables, Check<T> check)
            throws SQLException {
        return until(settings, timeout, tables, check, () -> true);
    }

    /**
     * As above, and gives up (empty) within a {@link #SLICE} once {@code wanted} turns false:
     * the process the wait is for has gone.
     */
    public static <T> Optional<T> until(
            DatabaseSettings settings, Duration timeout, Set<String> tables, Check<T> check, BooleanSupplier wanted)
            throws SQLException {
        WAITING.incrementAndGet();
        try {
            return wait(settings, System.nanoTime() + timeout.toNanos(), tables, check, wanted);
        } finally {
            WAITING.decrementAndGet();
        }
    }

    private static <T> Optional<T> wait(
            DatabaseSettings settings, long deadline, Set<String> tables, Check<T> check, BooleanSupplier wanted)
            throws SQLException {
        Duration backoff = Duration.ofMillis(100);
        while (true) {
            Exception failure;
            try (ChangeListener listener = ChangeListener.open(settings)) {
                backoff = Duration.ofMillis(100);
                return listen(listener, deadline, tables, check, wanted);
            } catch (SQLException e) {
                failure = e;
            } catch (ClambakeException e) {
                if (e.failure() != Failure.DATABASE_UNAVAILABLE) {
                    throw e;
                }
                failure = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                if (failure instanceof SQLException sql) {
                    throw sql;
                }
                throw (ClambakeException) failure;
            }
            try {
                Thread.sleep(Math.min(backoff.toMillis(), left / 1_000_000 + 1));
            } catch (InterruptedException e) {
                return Optional.empty();
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static <T> Optional<T> listen(
            ChangeListener listener, long deadline, Set<String> tables, Check<T> check, BooleanSupplier wanted)
            throws SQLException {
        long quietSince = System.nanoTime();
        while (true) {
            Optional<T> found = check.run(listener.connection());
            if (found.isPresent()) {
                return found;
            }
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.interrupted() || !wanted.getAsBoolean()) {
                    return Optional.empty();
                }
                Set<String> changed = listener.await(Duration.ofNanos(Math.min(left, SLICE.toNanos())));
                if (!Collections.disjoint(changed, tables)) {
                    quietSince = System.nanoTime();
                    break;
                }
                if (System.nanoTime() - quietSince > CHECK_AFTER.toNanos()) {
                    listener.check();
                    quietSince = System.nanoTime();
                }
            }
        }
    }
}
