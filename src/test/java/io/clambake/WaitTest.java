package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.HookPayloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Waiting for mail without polling: inbox --wait, read --next --wait and the Stop hook, each on
 * threads with connections of their own, woken by LISTEN/NOTIFY. A waiter is known to be waiting
 * when its listening backend sits idle after its look for mail (pg_stat_activity), so a send
 * after that can only reach it through a notification (or, once its connection is cut, through
 * the look after reconnecting). Waits are long (60 s): a missed wake-up fails on what comes back,
 * not on a clock.
 */
class WaitTest extends DatabaseTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterAll
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void inboxWaitReturnsWhenAMessageIsSentFromAnotherConnection() throws Exception {
        Cli a = shell("wait-inbox", "/w/wi/a");
        Cli b = shell("wait-inbox", "/w/wi/b");
        register(a, "wi-proj");
        String beta = register(b, "wi-proj");
        Future<Cli.Result> waiting = threads.submit(() -> b.run("inbox", "--wait", "60s", "--json"));
        awaitListeners(1, "unread_messages");
        sent(a, "--to", beta, "--subject", "wake up");
        Cli.Result result = waiting.get(50, TimeUnit.SECONDS);
        assertEquals(List.of("wake up"), subjects(ok(result).json()));

        // Mail already there: at once. None within the wait: the documented empty answer, exit 0.
        assertEquals(List.of("wake up"), subjects(json(b, "inbox", "--wait", "60s")));
        ok(b.run("read", "--next"));
        Cli.Result empty = ok(b.run("inbox", "--wait", "1s"));
        assertEquals("no unread messages", empty.out().strip());
        assertEquals(ExitCode.USAGE, b.run("inbox", "--wait", "2d").code());
        assertEquals(ExitCode.USAGE, b.run("read", "7", "--wait", "1s").code(), "--wait goes with --next");
    }

    @Test
    void aNotificationLostWithADroppedConnectionLosesNoMessage() throws Exception {
        Cli a = shell("wait-drop", "/w/wd/a");
        Cli b = shell("wait-drop", "/w/wd/b");
        register(a, "wd-proj");
        String beta = register(b, "wd-proj");
        for (int round = 0; round < 3; round++) {
            Future<Cli.Result> waiting = threads.submit(() -> b.run("read", "--next", "--wait", "60s", "--json"));
            awaitListeners(1, "unread_messages");
            // Cut the listener, then send at once: the notification goes nowhere while it reconnects.
            assertEquals(1, terminateListeners("unread_messages"));
            long id = sent(a, "--to", beta, "--subject", "after the drop " + round);
            JsonNode got = ok(waiting.get(50, TimeUnit.SECONDS)).json().get("message");
            assertEquals(id, got.get("id").asLong(), got::toString);
        }
    }

    @Test
    void racingWaitersOfOneInstanceNeverGetOneMessageTwice() throws Exception {
        Cli a = shell("wait-race", "/w/wr/a");
        Cli b = shell("wait-race", "/w/wr/b");
        register(a, "wr-proj");
        String beta = register(b, "wr-proj");
        int waiters = 4;
        for (int round = 0; round < 3; round++) {
            List<Future<Cli.Result>> running = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                running.add(threads.submit(() -> b.run("read", "--next", "--wait", "60s", "--json")));
            }
            awaitListeners(waiters, "unread_messages");
            Set<Long> sentIds = new HashSet<>();
            for (int i = 0; i < waiters; i++) {
                sentIds.add(sent(a, "--to", beta, "--subject", "race " + round + "." + i));
            }
            Set<Long> got = new HashSet<>();
            for (Future<Cli.Result> f : running) {
                JsonNode message = ok(f.get(50, TimeUnit.SECONDS)).json().get("message");
                assertTrue(got.add(message.get("id").asLong()), "shown twice: " + message);
            }
            assertEquals(sentIds, got);
        }
    }

    @Test
    void aStopHookWakesTheAgentOnceAndEndsQuietlyOtherwise() throws Exception {
        Cli claude = shell("wait-stop", "/w/ws/me");
        Cli a = shell("wait-stop", "/w/ws/a");
        register(a, "ws-proj");
        ok(claude.runWithStdin(
                HookPayloads.payload("session-start", "ws-1", "/w/ws/me"), "hook", "--project", "ws-proj"));
        String me = json(claude.with("CLAMBAKE_INSTANCE", null), "status", "--project", "ws-proj")
                .get("me")
                .asText();
        String stop = HookPayloads.payload("stop", "ws-1", "/w/ws/me");

        Future<Cli.Result> waiting = threads.submit(() -> claude.runWithStdin(stop, "hook"));
        awaitListeners(1, "shown_messages");
        sent(a, "--to", "@all", "--type", "info", "--subject", "lunch is served"); // does not wake by default
        long id = sent(a, "--to", me, "--subject", "please rebase", "--body", "main moved");
        Cli.Result woken = waiting.get(50, TimeUnit.SECONDS);
        assertEquals(2, woken.code(), woken::toString);
        assertTrue(woken.err().contains("#" + id) && woken.err().contains("please rebase"), woken.err());
        assertTrue(!woken.err().contains("lunch"), woken.err());
        assertEquals("", woken.out());

        // Shown once: the next Stop has nothing new and ends quietly on its own timeout.
        Cli.Result quiet = claude.runWithStdin(stop, "hook", "--stop-wait", "1s");
        assertEquals(ExitCode.OK, quiet.code(), quiet::toString);
        assertEquals("", quiet.err());

        // Under claude -p a Stop hook would hold up the run: it ends at once, mail or not.
        sent(a, "--to", me, "--subject", "second");
        Cli.Result headless = claude.with("CLAUDE_CODE_ENTRYPOINT", "sdk-cli").runWithStdin(stop, "hook");
        assertEquals(ExitCode.OK, headless.code(), headless::toString);
        assertEquals("", headless.err());
    }

    @Test
    void aNewerStopWaiterOrTheSessionsEndEndsTheOlderOne() throws Exception {
        Cli claude = shell("wait-replace", "/w/wx/me");
        ok(claude.runWithStdin(
                HookPayloads.payload("session-start", "wx-1", "/w/wx/me"), "hook", "--project", "wx-proj"));
        String stop = HookPayloads.payload("stop", "wx-1", "/w/wx/me");

        Future<Cli.Result> older = threads.submit(() -> claude.runWithStdin(stop, "hook", "--stop-wait", "55m"));
        awaitListeners(1, "shown_messages");
        Future<Cli.Result> newer = threads.submit(() -> claude.runWithStdin(stop, "hook", "--stop-wait", "55m"));
        Cli.Result replaced = older.get(50, TimeUnit.SECONDS);
        assertEquals(ExitCode.OK, replaced.code(), replaced::toString);
        assertEquals("", replaced.err());

        awaitListeners(1, "shown_messages");
        ok(claude.runWithStdin(HookPayloads.payload("session-end", "wx-1", "/w/wx/me"), "hook"));
        Cli.Result ended = newer.get(50, TimeUnit.SECONDS);
        assertEquals(ExitCode.OK, ended.code(), ended::toString);
        assertEquals("", ended.err());
    }

    @Test
    void aStopWaiterEndsWithItsClaudeCodeProcess() throws Exception {
        Cli claude = shell("wait-killed", "/w/wk/me");
        ok(claude.runWithStdin(
                HookPayloads.payload("session-start", "wk-1", "/w/wk/me"), "hook", "--project", "wk-proj"));
        // Claude Code killed outright runs no SessionEnd, and its background hooks live on: they watch its pid.
        Process fakeClaude = new ProcessBuilder("sleep", "600").start();
        try {
            Cli inSession = claude.with("CLAUDE_PID", String.valueOf(fakeClaude.pid()));
            Future<Cli.Result> waiting = threads.submit(() -> inSession.runWithStdin(
                    HookPayloads.payload("stop", "wk-1", "/w/wk/me"), "hook", "--stop-wait", "55m"));
            awaitListeners(1, "shown_messages");
            fakeClaude.destroyForcibly().waitFor();
            Cli.Result orphan = waiting.get(50, TimeUnit.SECONDS);
            assertEquals(ExitCode.OK, orphan.code(), orphan::toString);
            assertEquals("", orphan.err());
        } finally {
            fakeClaude.destroyForcibly();
        }
    }

    /** Waits until {@code n} backends of this database sit idle after a look for mail whose SQL contains {@code marker}. */
    private void awaitListeners(int n, String marker) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (count(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle'"
                                    + " AND query LIKE ? AND query NOT LIKE '%pg_stat_activity%'",
                            "%" + marker + "%")
                    >= n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + n + " waiters listening");
    }

    private int terminateListeners(String marker) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                                + " WHERE datname = current_database() AND state = 'idle' AND query LIKE ?"
                                + " AND query NOT LIKE '%pg_stat_activity%'")) {
            ps.setString(1, "%" + marker + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
