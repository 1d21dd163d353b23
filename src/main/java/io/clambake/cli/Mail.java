package io.clambake.cli;

import io.clambake.db.Waiter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** How a verb waits for mail: its pooled connection given back first, then a listening one of its own. */
final class Mail {
    /** The tables whose changes can bring mail. */
    static final Set<String> TABLES = Set.of("messages");
    /** What a Stop hook's waiter watches: mail, and its session's row (a newer waiter, the session's end). */
    static final Set<String> WAKERS = Set.of("messages", "agent_sessions");

    private Mail() {}

    static <T> Optional<T> await(Session session, Duration timeout, Waiter.Check<T> check) throws SQLException {
        return await(session, timeout, TABLES, check, () -> true);
    }

    /** {@code wanted}: false once the process the wait is for has gone (see {@link Waiter}). */
    static <T> Optional<T> await(
            Session session, Duration timeout, Set<String> tables, Waiter.Check<T> check, BooleanSupplier wanted)
            throws SQLException {
        // In the resident process or the MCP server, the pooled connection serves other commands meanwhile.
        var settings = session.settings();
        session.release();
        return Waiter.until(settings, timeout, tables, check, wanted);
    }
}
