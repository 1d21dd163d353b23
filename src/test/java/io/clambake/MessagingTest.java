package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages: send, inbox and read, and expiry, in text and in JSON, against a real database. Each
 * test works on its own host name and its own project names, so that the tests of this class,
 * which share one database, cannot see each other's instances or broadcasts.
 */
class MessagingTest extends DatabaseTest {

    // ---------------------------------------------------------------- send / inbox

    @Test
    void directMessagesReachOnlyTheirRecipient() {
        Cli a = shell("send-direct", "/w/sd/a");
        Cli b = shell("send-direct", "/w/sd/b");
        Cli c = shell("send-direct", "/w/sd/c");
        register(a, "sd-proj");
        String beta = register(b, "sd-proj");
        register(c, "sd-proj");

        JsonNode sent = json(a, "send", "--to", beta, "--type", "request", "--subject", "review my PR")
                .get("message");
        assertEquals(beta, sent.get("to").asText());
        assertEquals("request", sent.get("type").asText());

        assertEquals(List.of("review my PR"), subjects(json(b, "inbox")));
        assertEquals(List.of(), subjects(json(c, "inbox")));
        assertEquals(List.of(), subjects(json(a, "inbox")));
        JsonNode got = json(b, "inbox").get("messages").get(0);
        assertEquals(beta, got.get("to").asText());
        assertTrue(got.get("read_at").isNull());
        OffsetDateTime created = OffsetDateTime.parse(got.get("created_at").asText());
        OffsetDateTime expires = OffsetDateTime.parse(got.get("expires_at").asText());
        assertTrue(
                expires.isAfter(created.plusDays(6)) && expires.isBefore(created.plusDays(8)),
                "default ttl is 7d: " + got);

        Cli.Result text = ok(a.run("send", "--to", beta, "--subject", "second"));
        assertTrue(text.out().startsWith("sent #") && text.out().contains(" to " + beta + " (expires in "), text.out());

        Cli.Result unknown = a.run("send", "--to", "nobody-here", "--subject", "x");
        assertEquals(ExitCode.NOT_FOUND, unknown.code(), unknown::toString);
        Cli.Result badAddress = a.run("send", "--to", "@everyone", "--subject", "x");
        assertEquals(ExitCode.USAGE, badAddress.code(), badAddress::toString);
        Cli.Result badType = a.run("send", "--to", beta, "--type", "shout", "--subject", "x");
        assertEquals(ExitCode.USAGE, badType.code(), badType::toString);
    }

    @Test
    void projectBroadcastsReachThatProjectOnlyAndAllReachesEveryProject() {
        Cli a = shell("send-bcast", "/w/sb/a");
        Cli b = shell("send-bcast", "/w/sb/b");
        Cli o = shell("send-bcast", "/w/sb/o");
        register(a, "sb-demo");
        register(b, "sb-demo");
        String other = register(o, "sb-other");

        JsonNode toProject = json(a, "send", "--to", "@project:sb-demo", "--subject", "demo only")
                .get("message");
        assertEquals("@project:sb-demo", toProject.get("to").asText());
        JsonNode toAll =
                json(o, "send", "--to", "@all", "--subject", "everyone").get("message");
        assertEquals("@all", toAll.get("to").asText());

        assertEquals(List.of("everyone", "demo only"), subjects(json(b, "inbox")));
        assertEquals(List.of("everyone"), subjects(json(a, "inbox")), "no own project broadcast");
        assertEquals(List.of(), subjects(json(o, "inbox")), "no other project's broadcast, no own @all");

        JsonNode inbox = json(b, "inbox");
        assertEquals("@all", inbox.get("messages").get(0).get("to").asText());
        assertEquals(other, inbox.get("messages").get(0).get("from").asText());
        assertEquals("@project:sb-demo", inbox.get("messages").get(1).get("to").asText());

        Cli.Result text = ok(b.run("inbox"));
        assertTrue(text.out().contains(other + " @all"), text.out());
        assertTrue(text.out().contains("@project:sb-demo"), text.out());

        Cli.Result badProject = a.run("send", "--to", "@project:bad project", "--subject", "x");
        assertEquals(ExitCode.USAGE, badProject.code(), badProject::toString);
    }

    @Test
    void ttlIsParsed() throws Exception {
        Cli a = shell("send-ttl", "/w/ttl/a");
        Cli b = shell("send-ttl", "/w/ttl/b");
        register(a, "ttl-proj");
        String beta = register(b, "ttl-proj");
        long before = count("SELECT count(*) FROM messages");
        for (String bad : List.of("bogus", "10x", "0s", "-5m", "PT-1H", "")) {
            Cli.Result r = a.run("send", "--to", beta, "--subject", "x", "--ttl", bad);
            assertEquals(ExitCode.USAGE, r.code(), () -> "ttl '" + bad + "': " + r);
        }
        assertEquals(before, count("SELECT count(*) FROM messages"));

        for (String[] good :
                new String[][] {{"90s", "90"}, {"30m", "1800"}, {"2h", "7200"}, {"3d", "259200"}, {"PT1H", "3600"}}) {
            JsonNode m = json(a, "send", "--to", beta, "--subject", "ttl " + good[0], "--ttl", good[0])
                    .get("message");
            long seconds = java.time.Duration.between(
                            OffsetDateTime.parse(m.get("created_at").asText()),
                            OffsetDateTime.parse(m.get("expires_at").asText()))
                    .toSeconds();
            assertEquals(Long.parseLong(good[1]), seconds, good[0]);
        }
    }

    @Test
    void inboxIsNewestFirstAndLimitReportsTheRest() {
        Cli a = shell("inbox-limit", "/w/il/a");
        Cli b = shell("inbox-limit", "/w/il/b");
        register(a, "il-proj");
        String beta = register(b, "il-proj");
        for (int i = 1; i <= 5; i++) {
            ok(a.run("send", "--to", beta, "--subject", "message " + i));
        }
        JsonNode all = json(b, "inbox");
        assertEquals(List.of("message 5", "message 4", "message 3", "message 2", "message 1"), subjects(all));
        assertEquals(5, all.get("unread").asInt());
        assertEquals(0, all.get("more").asInt());
        assertEquals(beta, all.get("me").asText());

        JsonNode two = json(b, "inbox", "--limit", "2");
        assertEquals(List.of("message 5", "message 4"), subjects(two));
        assertEquals(5, two.get("unread").asInt());
        assertEquals(3, two.get("more").asInt());

        Cli.Result text = ok(b.run("inbox", "--limit", "2"));
        List<String> lines = text.out().lines().toList();
        assertEquals(3, lines.size(), text.out());
        assertTrue(lines.get(0).contains("message 5"), text.out());
        assertTrue(lines.get(1).contains("message 4"), text.out());
        assertTrue(lines.get(2).startsWith("3 more unread"), text.out());
        Cli.Result full = ok(b.run("inbox"));
        assertFalse(full.out().contains("more unread"), full.out());

        assertEquals(ExitCode.USAGE, b.run("inbox", "--limit", "0").code());
        assertEquals(ExitCode.USAGE, b.run("inbox", "--limit", "1001").code());
    }

    // ---------------------------------------------------------------- read

    @Test
    void readMarksReadForThisReaderOnly() throws Exception {
        Cli a = shell("read", "/w/read/a");
        Cli b = shell("read", "/w/read/b");
        Cli c = shell("read", "/w/read/c");
        Cli o = shell("read", "/w/read/o");
        String alpha = register(a, "read-proj");
        register(b, "read-proj");
        String gamma = register(c, "read-proj");
        register(o, "read-other");

        long broadcast = json(
                        a,
                        "send",
                        "--to",
                        "@project:read-proj",
                        "--subject",
                        "heads up",
                        "--body",
                        "the body\nsecond line")
                .get("message")
                .get("id")
                .asLong();
        long direct = json(a, "send", "--to", gamma, "--subject", "for gamma only")
                .get("message")
                .get("id")
                .asLong();

        Cli.Result text = ok(b.run("read", String.valueOf(broadcast)));
        assertTrue(
                text.out().startsWith("#" + broadcast + " info from " + alpha + " to @project:read-proj"), text.out());
        assertTrue(text.out().contains("Subject: heads up"), text.out());
        assertTrue(text.out().contains("the body\nsecond line"), text.out());
        assertEquals(0, json(b, "inbox").get("unread").asInt());
        assertEquals(2, json(c, "inbox").get("unread").asInt(), "still unread for another reader");

        JsonNode first = json(c, "read", String.valueOf(broadcast));
        assertTrue(first.get("first_read").asBoolean());
        String readAt = first.get("message").get("read_at").asText();
        OffsetDateTime.parse(readAt);
        JsonNode second = json(c, "read", String.valueOf(broadcast));
        assertFalse(second.get("first_read").asBoolean());
        assertEquals(readAt, second.get("message").get("read_at").asText(), "read_at keeps the first read");
        assertEquals(
                1,
                count("SELECT count(*) FROM message_reads WHERE message_id = " + broadcast
                        + " AND reader_id = (SELECT id FROM instances WHERE name = '" + gamma + "')"));

        Cli.Result notForB = b.run("read", String.valueOf(direct));
        assertEquals(ExitCode.NOT_FOUND, notForB.code(), notForB::toString);
        Cli.Result notForOther = o.run("read", String.valueOf(broadcast));
        assertEquals(ExitCode.NOT_FOUND, notForOther.code(), notForOther::toString);
        assertEquals(ExitCode.NOT_FOUND, b.run("read", "999999999").code());
        JsonNode missing = b.run("read", "999999999", "--json").json();
        assertEquals(ExitCode.NOT_FOUND, missing.get("error").get("exit_code").asInt());

        // The sender may look at its own direct message; that marks nothing.
        JsonNode own = json(a, "read", String.valueOf(direct));
        assertEquals("for gamma only", own.get("message").get("subject").asText());
        assertFalse(own.get("first_read").asBoolean());
        assertTrue(own.get("message").get("read_at").isNull());
        assertEquals(0, count("SELECT count(*) FROM message_reads WHERE message_id = " + direct));
        assertEquals(List.of("for gamma only"), subjects(json(c, "inbox")));
    }

    @Test
    void readNextTakesTheOldestUnreadMessage() {
        Cli a = shell("read-next", "/w/read-next/a");
        Cli b = shell("read-next", "/w/read-next/b");
        register(a, "rn-proj");
        String beta = register(b, "rn-proj");
        assertEquals("no unread messages\n", ok(b.run("read", "--next")).out());
        JsonNode none = json(b, "read", "--next");
        assertTrue(none.get("message").isNull());
        assertFalse(none.get("first_read").asBoolean());

        ok(a.run("send", "--to", beta, "--subject", "first"));
        ok(a.run("send", "--to", "@project:rn-proj", "--subject", "second"));
        JsonNode one = json(b, "read", "--next");
        assertEquals("first", one.get("message").get("subject").asText());
        assertTrue(one.get("first_read").asBoolean());
        assertTrue(ok(b.run("read", "--next")).out().contains("Subject: second"));
        assertEquals(0, json(b, "inbox").get("unread").asInt());
        assertTrue(json(b, "read", "--next").get("message").isNull());
        assertEquals(ExitCode.USAGE, b.run("read").code(), "an id or --next is required");
        assertEquals(ExitCode.USAGE, b.run("read", "1", "--next").code(), "not both");
    }

    // ---------------------------------------------------------------- expiry

    @Test
    void expiredMessagesVanishFromInboxAndCleanupDeletesThem() throws Exception {
        Cli a = shell("expiry", "/w/expiry/a");
        Cli b = shell("expiry", "/w/expiry/b");
        ok(b.run("cleanup"));
        register(a, "ex-proj");
        String beta = register(b, "ex-proj");
        long keep = json(a, "send", "--to", beta, "--subject", "keep me")
                .get("message")
                .get("id")
                .asLong();
        long gone1 = json(a, "send", "--to", beta, "--subject", "expire me")
                .get("message")
                .get("id")
                .asLong();
        long gone2 = json(a, "send", "--to", "@project:ex-proj", "--subject", "expire me too")
                .get("message")
                .get("id")
                .asLong();
        ok(b.run("read", String.valueOf(gone1))); // a read mark must not block the delete
        assertEquals(List.of("expire me too", "keep me"), subjects(json(b, "inbox")));

        execute("UPDATE messages SET expires_at = now() - interval '1 second' WHERE id IN (" + gone1 + ", " + gone2
                + ")");
        assertEquals(List.of("keep me"), subjects(json(b, "inbox")));
        assertEquals(
                ExitCode.NOT_FOUND, b.run("read", String.valueOf(gone2)).code(), "an expired message cannot be read");
        assertEquals(
                2,
                count("SELECT count(*) FROM messages WHERE id IN (" + gone1 + ", " + gone2 + ")"),
                "still there until cleanup");

        JsonNode cleaned = json(a, "cleanup");
        assertEquals(2, cleaned.get("expired_messages").asInt(), cleaned.toString());
        assertEquals(0, cleaned.get("stale_instances").asInt());
        assertEquals(0, count("SELECT count(*) FROM messages WHERE id IN (" + gone1 + ", " + gone2 + ")"));
        assertEquals(0, count("SELECT count(*) FROM message_reads WHERE message_id = " + gone1));
        assertEquals(1, count("SELECT count(*) FROM messages WHERE id = " + keep));
        assertEquals(List.of("keep me"), subjects(json(b, "inbox")));

        ok(a.run("send", "--to", beta, "--subject", "short-lived", "--ttl", "1s"));
        Thread.sleep(1_100);
        assertEquals(List.of("keep me"), subjects(json(b, "inbox")));
        assertEquals(
                "removed 0 stale instances, deleted 1 expired message\n",
                ok(b.run("cleanup")).out());
    }

    // ---------------------------------------------------------------- helpers

    private void execute(String sql) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }
}
