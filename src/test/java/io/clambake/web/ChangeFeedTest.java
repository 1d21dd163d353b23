package io.clambake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.db.ChangeListener;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The triggers' notifications, heard on a connection of its own, and the feed that survives losing it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChangeFeedTest extends DatabaseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everyWatchedTableIsHeardWhenAChangeCommits() throws Exception {
        Cli agent = shell("feed-host", "/work/feed");
        register(agent, "feed");
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        try (ChangeFeed feed =
                new ChangeFeed(db.settings(), heard::addAll, () -> {}, new PrintWriter(new StringWriter()))) {
            feed.start();
            // The feed reports everything once connected; before that a change could go unheard.
            awaitListening();
            ok(agent.run("heartbeat", "--task", "watched"));
            assertHears(heard, "instances");
            ok(agent.run("send", "--to", "@all", "--subject", "hello"));
            assertHears(heard, "messages");
            ok(agent.run("remember", "--type", "gotcha", "--title", "t", "--content", "c"));
            assertHears(heard, "memories");
            ok(agent.run("log", "--action", "deploy", "--summary", "done"));
            assertHears(heard, "action_log");
        }
    }

    @Test
    void changesInAnotherSchemaOfTheDatabaseAreNotHeard() throws Exception {
        Cli here = shell("feed-host", "/work/here");
        Cli elsewhere = shell("feed-host", "/work/elsewhere").with("CLAMBAKE_SCHEMA", "elsewhere");
        register(here, "feed");
        register(elsewhere, "feed");
        try (ChangeListener listener = ChangeListener.open(db.settings())) {
            ok(elsewhere.run("remember", "--type", "gotcha", "--title", "t", "--content", "c"));
            ok(here.run("log", "--action", "a", "--summary", "s"));
            Set<String> heard = new HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!heard.contains("action_log") && System.nanoTime() < deadline) {
                heard.addAll(listener.await(Duration.ofMillis(200)));
            }
            // Notifications arrive in commit order: the other schema's came first, and was dropped.
            assertTrue(heard.contains("action_log"), heard.toString());
            assertFalse(heard.contains("memories"), heard.toString());
        }
    }

    /** Every verb moves its caller's last-seen time; notifying that would queue every commit (V9). */
    @Test
    void statementsThatOnlyMoveLastSeenNotifyNothing() throws Exception {
        Cli agent = shell("feed-host", "/work/quiet");
        register(agent, "feed");
        try (ChangeListener listener = ChangeListener.open(db.settings())) {
            ok(agent.run("inbox"));
            ok(agent.run("status"));
            ok(agent.run("log", "--action", "a", "--summary", "s"));
            Set<String> heard = new HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!heard.contains("action_log") && System.nanoTime() < deadline) {
                heard.addAll(listener.await(Duration.ofMillis(200)));
            }
            // In commit order: a notification of the touches would have come before the log's.
            assertEquals(Set.of("action_log"), heard);
        }
    }

    @Test
    void theFeedListensAgainAfterLosingItsConnectionAndReportsEverything() throws Exception {
        Cli agent = shell("feed-host", "/work/again");
        register(agent, "feed");
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        AtomicInteger connects = new AtomicInteger();
        StringWriter warnings = new StringWriter();
        try (ChangeFeed feed = new ChangeFeed(
                db.settings(), heard::addAll, connects::incrementAndGet, new PrintWriter(warnings, true))) {
            feed.start();
            awaitCount(connects, 1);
            assertEquals(1, terminateListeners());
            awaitCount(connects, 2);
            ok(agent.run("send", "--to", "@all", "--subject", "after the drop"));
            assertHears(heard, "messages");
        }
        String log = warnings.toString();
        assertTrue(log.contains("clambake web: lost the database connection that listens for changes"), log);
        assertTrue(log.contains("clambake web: listening for changes again"), log);
    }

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (listeners() == 0) {
            assertTrue(System.nanoTime() < deadline, "the feed never started listening");
            Thread.sleep(20);
        }
    }

    private int listeners() throws SQLException {
        return (int) count("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND query = 'LISTEN clambake_changes'");
    }

    private int terminateListeners() throws SQLException {
        try (Connection c = db.connect("clambake");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                        + " FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND query = 'LISTEN clambake_changes'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitCount(AtomicInteger counter, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (counter.get() < expected) {
            assertTrue(System.nanoTime() < deadline, "connected " + counter.get() + " times, not " + expected);
            Thread.sleep(20);
        }
    }

    private static void assertHears(BlockingQueue<String> heard, String table) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String next = heard.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (table.equals(next)) {
                return;
            }
            assertTrue(next != null, "no change of " + table + " heard in " + WAIT.toSeconds() + " s");
        }
    }
}
