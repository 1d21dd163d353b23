package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.HookPayloads;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conversations: replies and threads, acknowledgements, blockers that close, and search, in text
 * and JSON. Each test has its own host and project names (the class shares one database).
 */
class ConversationTest extends DatabaseTest {

    @Test
    void twoInstancesHoldAThreadedConversationWithAnAcknowledgedRequest() {
        Cli a = shell("conv-thread", "/w/ct/a");
        Cli b = shell("conv-thread", "/w/ct/b");
        Cli c = shell("conv-thread", "/w/ct/c");
        String alpha = register(a, "ct-proj");
        String beta = register(b, "ct-proj");
        register(c, "ct-proj");

        long ask = sent(a, "--to", beta, "--type", "request", "--subject", "Review my PR", "--body", "payments/");
        JsonNode waiting = json(a, "status").get("unacknowledged");
        assertEquals(List.of("Review my PR"), texts(waiting, "subject"), "the sender sees its unacked request");

        JsonNode acked = json(b, "ack", String.valueOf(ask));
        assertTrue(acked.get("first_ack").asBoolean());
        assertFalse(acked.get("message").get("acked_at").isNull());
        assertFalse(json(b, "ack", String.valueOf(ask)).get("first_ack").asBoolean(), "a second ack is a no-op");
        assertEquals(0, json(a, "status").get("unacknowledged").size(), "acked: no longer waiting");
        assertEquals(ExitCode.NOT_FOUND, c.run("ack", String.valueOf(ask)).code(), "not addressed to c");
        assertEquals(ExitCode.NOT_FOUND, a.run("ack", String.valueOf(ask)).code(), "the sender does not ack itself");

        // The reply goes back to the sender with "Re: ", and the sender's answer back again.
        JsonNode reply = json(b, "send", "--reply-to", String.valueOf(ask), "--body", "on it")
                .get("message");
        assertEquals(alpha, reply.get("to").asText());
        assertEquals("Re: Review my PR", reply.get("subject").asText());
        assertEquals(ask, reply.get("reply_to").asLong());
        assertEquals(ask, reply.get("thread").asLong());
        long replyId = reply.get("id").asLong();
        JsonNode answer = json(a, "send", "--reply-to", String.valueOf(replyId), "--subject", "thanks")
                .get("message");
        assertEquals(beta, answer.get("to").asText());
        assertEquals(ask, answer.get("thread").asLong(), "a reply to a reply joins the first message's thread");

        JsonNode thread = json(b, "thread", String.valueOf(answer.get("id").asLong()));
        assertEquals(List.of("Review my PR", "Re: Review my PR", "thanks"), subjects(thread));
        assertEquals(ask, thread.get("thread").asLong());
        Cli.Result text = ok(a.run("thread", String.valueOf(ask)));
        assertTrue(text.out().contains("#" + ask + " request from " + alpha + " to " + beta), text.out());
        assertTrue(text.out().contains("reply to #" + ask), text.out());

        // c may read neither the request nor its replies: no thread, no reply.
        assertEquals(ExitCode.NOT_FOUND, c.run("thread", String.valueOf(ask)).code());
        Cli.Result sneaky = c.run("send", "--reply-to", String.valueOf(ask), "--body", "me too");
        assertEquals(ExitCode.NOT_FOUND, sneaky.code(), sneaky::toString);
        assertEquals(ExitCode.USAGE, a.run("send", "--subject", "nowhere").code(), "--to or --reply-to");
    }

    @Test
    void aClosedBlockerLeavesStatusAndTheBriefing() {
        Cli a = shell("conv-close", "/w/cc/a");
        Cli b = shell("conv-close", "/w/cc/b");
        register(a, "cc-proj");
        String beta = register(b, "cc-proj");
        long blocker = sent(a, "--to", "@all", "--type", "blocker", "--subject", "Editing docker-compose");
        long other = sent(a, "--to", "@all", "--type", "blocker", "--subject", "Restarting the queue");
        assertTrue(texts(json(b, "status", "--project", "cc-proj").get("blockers"), "subject")
                .contains("Editing docker-compose"));
        String briefing = briefing(b, "/w/cc/b", "cc-b-1");
        assertTrue(briefing.contains("Editing docker-compose"), briefing);

        Cli.Result notMine = b.run("close", String.valueOf(blocker));
        assertEquals(ExitCode.USAGE, notMine.code(), notMine::toString);
        long info = sent(a, "--to", beta, "--subject", "fyi");
        assertEquals(ExitCode.USAGE, a.run("close", String.valueOf(info)).code(), "not a blocker");
        assertEquals(ExitCode.NOT_FOUND, a.run("close", "999999999").code());

        JsonNode closed = json(a, "close", String.valueOf(blocker));
        assertFalse(closed.get("already_closed").asBoolean());
        assertFalse(closed.get("message").get("closed_at").isNull());
        assertTrue(
                json(a, "close", String.valueOf(blocker)).get("already_closed").asBoolean());
        List<String> open = texts(json(b, "status", "--project", "cc-proj").get("blockers"), "subject");
        assertFalse(open.contains("Editing docker-compose"), open::toString);
        assertTrue(open.contains("Restarting the queue"), open::toString);
        String later = briefing(b, "/w/cc/b", "cc-b-2");
        assertFalse(later.contains("Editing docker-compose"), later);
        assertTrue(ok(b.run("status")).out().contains("[closed]"));

        // The sender leaving closes the rest.
        ok(a.run("deregister"));
        assertFalse(texts(json(b, "status", "--project", "cc-proj").get("blockers"), "subject")
                .contains("Restarting the queue"));
        assertTrue(json(b, "status", "--project", "cc-proj").get("blockers").isEmpty(), "" + other);
    }

    @Test
    void aSenderCleanedUpAsStaleLeavesNoOpenBlocker() throws Exception {
        Cli a = shell("conv-stale", "/w/cst/a");
        Cli b = shell("conv-stale", "/w/cst/b");
        String alpha = register(a, "cst-proj");
        register(b, "cst-proj");
        sent(a, "--to", "@project:cst-proj", "--type", "blocker", "--subject", "Rebuilding the image");
        assertEquals(
                1, json(b, "status", "--project", "cst-proj").get("blockers").size());
        setLastSeenHoursAgo(alpha, 3);
        ok(b.run("cleanup", "--stale-after", "2h"));
        assertTrue(json(b, "status", "--project", "cst-proj").get("blockers").isEmpty());
        assertEquals(
                0,
                count(
                        "SELECT count(*) FROM messages m JOIN instances i ON i.id = m.sender_id"
                                + " WHERE i.name = ? AND m.closed_at IS NULL",
                        alpha));
    }

    @Test
    void aDoneReplyClosesTheBlockerAndReachesItsAudience() {
        Cli a = shell("conv-done", "/w/cd/a");
        Cli b = shell("conv-done", "/w/cd/b");
        Cli o = shell("conv-done", "/w/cd/o");
        register(a, "cd-proj");
        register(b, "cd-proj");
        register(o, "cd-other");
        long blocker = sent(a, "--to", "@project:cd-proj", "--type", "blocker", "--subject", "Migrating orders");
        JsonNode done = json(
                        a,
                        "send",
                        "--type",
                        "done",
                        "--reply-to",
                        String.valueOf(blocker),
                        "--subject",
                        "Orders migrated")
                .get("message");
        assertEquals("@project:cd-proj", done.get("to").asText(), "the done goes where the blocker went");
        assertEquals(List.of("Orders migrated", "Migrating orders"), subjects(json(b, "inbox")));
        assertTrue(subjects(json(o, "inbox")).isEmpty(), "nor further");
        assertTrue(json(b, "status", "--project", "cd-proj").get("blockers").isEmpty(), "the done closed it");
        assertFalse(json(b, "thread", String.valueOf(blocker))
                .get("messages")
                .get(0)
                .get("closed_at")
                .isNull());
        // Someone else's done reply does not close it.
        long second = sent(a, "--to", "@project:cd-proj", "--type", "blocker", "--subject", "Deploying");
        ok(b.run("send", "--type", "done", "--reply-to", String.valueOf(second), "--subject", "done?"));
        assertEquals(
                1, json(b, "status", "--project", "cd-proj").get("blockers").size());
    }

    @Test
    void searchFindsAStemmedWordAndKeepsDirectMessagesPrivate() {
        Cli a = shell("conv-search", "/w/cs/a");
        Cli b = shell("conv-search", "/w/cs/b");
        Cli c = shell("conv-search", "/w/cs/c");
        register(a, "cs-proj");
        String beta = register(b, "cs-proj");
        register(c, "cs-proj");
        sent(a, "--to", "@all", "--subject", "Orders table", "--body", "Two deadlocks in checkout last night");
        sent(a, "--to", beta, "--subject", "Secret deadlock", "--body", "between us");
        sent(a, "--to", "@all", "--subject", "Lunch", "--body", "pizza");

        assertEquals(List.of("Secret deadlock", "Orders table"), subjects(json(b, "search", "deadlock")));
        assertEquals(List.of("Orders table"), subjects(json(c, "search", "deadlock")), "c may not read a to b");
        assertEquals(List.of("Orders table"), subjects(json(c, "search", "deadlocking checkout")));
        assertEquals(List.of(), subjects(json(b, "search", "deadlock -checkout -secret")));
        assertTrue(ok(c.run("search", "pizza")).out().contains("Lunch"));
        assertEquals(ExitCode.USAGE, c.run("search", "x", "--limit", "0").code());
    }

    private static String briefing(Cli shell, String dir, String session) {
        String payload = HookPayloads.payload("session-start", session, dir);
        Cli.Result start = ok(shell.runWithStdin(payload, "hook", "--project", "cc-proj"));
        return start.json().get("hookSpecificOutput").get("additionalContext").asText();
    }
}
