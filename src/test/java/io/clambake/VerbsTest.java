package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every verb, in text and in JSON, against a real database. Each test works on its own host name
 * (and its own project names where broadcasts are involved), so that the tests of this class,
 * which share one database, cannot see each other's instances by directory.
 */
class VerbsTest extends DatabaseTest {
    private static final Set<String> INSTANCE_KEYS = Set.of("name", "project", "host", "dir", "pid", "task",
            "registered_at", "started_at", "last_seen", "stale", "left_at", "left_reason");

    // ---------------------------------------------------------------- register

    @Test
    void registerPrintsTheNameFirstAndDescribesTheRegistration() {
        Cli a = shell("reg-text", "/w/reg/text");
        Cli.Result r = ok(a.run("register", "--project", "demo"));
        List<String> lines = r.out().lines().toList();
        String name = lines.get(0);
        assertTrue(name.matches("[a-z0-9][a-z0-9._-]{0,39}"), "line 1 is a name: " + r);
        assertTrue(lines.get(1).startsWith("registered: project demo, host reg-text, dir /w/reg/text"), r.toString());
        assertEquals(name, json(a, "status").get("me").asText());
    }

    @Test
    void registerJsonHasTheWholeInstanceWithIsoTimes() {
        Cli a = shell("reg-json", "/w/reg/json");
        JsonNode doc = json(a, "register", "--project", "demo");
        JsonNode i = doc.get("instance");
        assertEquals(INSTANCE_KEYS, fieldNames(i));
        assertFalse(doc.get("revived").asBoolean());
        assertTrue(doc.get("revived").isBoolean());
        assertEquals("demo", i.get("project").asText());
        assertEquals("reg-json", i.get("host").asText());
        assertEquals("/w/reg/json", i.get("dir").asText());
        assertTrue(i.get("task").isNull());
        assertTrue(i.get("left_at").isNull());
        assertTrue(i.get("left_reason").isNull());
        assertFalse(i.get("stale").asBoolean());
        assertTrue(i.get("pid").isNull() || i.get("pid").isIntegralNumber(), i.toString());
        for (String key : List.of("registered_at", "started_at", "last_seen")) {
            assertNotNull(OffsetDateTime.parse(i.get(key).asText()), key);
        }
    }

    @Test
    void reRegisteringAfterDeregisterRevivesTheNameWithItsInbox() {
        Cli a = shell("reg-revive", "/w/reg/revive-a");
        Cli b = shell("reg-revive", "/w/reg/revive-b");
        JsonNode first = json(a, "register", "--project", "demo").get("instance");
        String alpha = first.get("name").asText();
        register(b, "demo");

        JsonNode gone = json(a, "deregister").get("instance");
        assertEquals("deregistered", gone.get("left_reason").asText());
        OffsetDateTime.parse(gone.get("left_at").asText());
        assertEquals(4, a.run("inbox").code());
        assertEquals(4, a.run("deregister").code(), "deregistering twice");
        assertFalse(json(b, "status").get("instances").findValuesAsText("name").contains(alpha));

        ok(b.run("send", "--to", alpha, "--subject", "while you were out", "--body", "hello"));

        JsonNode again = json(a, "register", "--project", "demo");
        assertTrue(again.get("revived").asBoolean(), again.toString());
        JsonNode revived = again.get("instance");
        assertEquals(alpha, revived.get("name").asText());
        assertTrue(revived.get("left_at").isNull());
        assertTrue(revived.get("left_reason").isNull());
        assertEquals(first.get("registered_at").asText(), revived.get("registered_at").asText(),
                "registered_at is the first registration");
        assertFalse(OffsetDateTime.parse(revived.get("started_at").asText())
                .isBefore(OffsetDateTime.parse(first.get("started_at").asText())));

        JsonNode inbox = json(a, "inbox");
        assertEquals(1, inbox.get("messages").size(), inbox.toString());
        assertEquals("while you were out", inbox.get("messages").get(0).get("subject").asText());

        Cli.Result text = ok(a.run("register", "--project", "demo"));
        assertEquals(alpha, text.out().lines().findFirst().orElseThrow());
        assertTrue(text.out().lines().skip(1).findFirst().orElseThrow().startsWith("revived: "), text.toString());
    }

    @Test
    void registerWithNamePicksItAndRejectsTakenOrInvalidNames() throws Exception {
        Cli a = shell("reg-name", "/w/reg/name-a");
        Cli b = shell("reg-name", "/w/reg/name-b");
        assertEquals("picked-name", register(a, "demo", "--name", "picked-name"));
        assertEquals("picked-name", json(a, "status").get("me").asText());

        long before = count("SELECT count(*) FROM instances");
        Cli.Result taken = b.run("register", "--project", "demo", "--name", "picked-name");
        assertEquals(2, taken.code(), taken::toString);
        assertTrue(taken.err().contains("taken"), taken.err());
        Cli.Result invalid = b.run("register", "--project", "demo", "--name", "Bad Name");
        assertEquals(2, invalid.code(), invalid::toString);
        Cli.Result badProject = b.run("register", "--project", "bad project");
        assertEquals(2, badProject.code(), badProject::toString);
        assertEquals(before, count("SELECT count(*) FROM instances"));
        assertEquals(4, b.run("inbox").code(), "b is still not registered");

        JsonNode taken2 = b.run("register", "--project", "demo", "--name", "picked-name", "--json").json();
        assertEquals(2, taken2.get("error").get("exit_code").asInt());
    }

    @Test
    void registerDirDefaultsToTheWorkingDirectoryAndResolvesRelativePaths() {
        Cli a = shell("reg-dir", "/w/reg/dir");
        JsonNode sub = json(a, "register", "--project", "demo", "--dir", "sub/../child").get("instance");
        assertEquals("/w/reg/dir/child", sub.get("dir").asText());
        JsonNode abs = json(a, "register", "--project", "demo", "--dir", "/w/reg/elsewhere").get("instance");
        assertEquals("/w/reg/elsewhere", abs.get("dir").asText());
        assertEquals(sub.get("name").asText(), json(a.in("/w/reg/dir/child/x"), "status").get("me").asText());
        assertTrue(json(a, "status").get("me").isNull(), "/w/reg/dir itself is not registered");
    }

    @Test
    void withoutAVerbTheUsageIsPrinted() {
        Cli a = shell("usage", "/w/usage");
        Cli.Result none = a.run();
        assertEquals(2, none.code(), none::toString);
        assertTrue(none.err().contains("register"), none.err());
        Cli.Result help = a.run("--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().contains("cleanup"), help.out());
        assertEquals(2, a.run("no-such-verb").code());
        assertEquals(2, a.run("inbox", "--no-such-option").code());
    }

    // ---------------------------------------------------------------- heartbeat

    @Test
    void heartbeatSetsKeepsAndClearsTheTask() throws Exception {
        Cli a = shell("hb", "/w/hb");
        Cli observer = shell("hb", "/w/hb-observer");
        String name = register(a, "demo");

        Cli.Result set = ok(a.run("heartbeat", "--task", "porting the parser"));
        assertEquals(name + ": porting the parser\n", set.out());
        assertEquals("porting the parser", taskOf(observer, name));

        JsonNode kept = json(a, "heartbeat").get("instance");
        assertEquals("porting the parser", kept.get("task").asText());
        assertEquals("porting the parser", taskOf(observer, name));

        Cli.Result tooLong = a.run("heartbeat", "--task", "x".repeat(501));
        assertEquals(2, tooLong.code(), tooLong::toString);
        assertEquals("porting the parser", taskOf(observer, name));
        ok(a.run("heartbeat", "--task", "y".repeat(500)));
        assertEquals("y".repeat(500), taskOf(observer, name));

        Cli.Result cleared = ok(a.run("heartbeat", "--task", ""));
        assertEquals(name + ": (no task)\n", cleared.out());
        assertTrue(instanceIn(json(observer, "status"), name).get("task").isNull());
    }

    // ---------------------------------------------------------------- send / inbox

    @Test
    void directMessagesReachOnlyTheirRecipient() {
        Cli a = shell("send-direct", "/w/sd/a");
        Cli b = shell("send-direct", "/w/sd/b");
        Cli c = shell("send-direct", "/w/sd/c");
        register(a, "sd-proj");
        String beta = register(b, "sd-proj");
        register(c, "sd-proj");

        JsonNode sent = json(a, "send", "--to", beta, "--type", "request", "--subject", "review my PR").get("message");
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
        assertTrue(expires.isAfter(created.plusDays(6)) && expires.isBefore(created.plusDays(8)),
                "default ttl is 7d: " + got);

        Cli.Result text = ok(a.run("send", "--to", beta, "--subject", "second"));
        assertTrue(text.out().startsWith("sent #") && text.out().contains(" to " + beta + " (expires in "), text.out());

        Cli.Result unknown = a.run("send", "--to", "nobody-here", "--subject", "x");
        assertEquals(3, unknown.code(), unknown::toString);
        Cli.Result badAddress = a.run("send", "--to", "@everyone", "--subject", "x");
        assertEquals(2, badAddress.code(), badAddress::toString);
        Cli.Result badType = a.run("send", "--to", beta, "--type", "shout", "--subject", "x");
        assertEquals(2, badType.code(), badType::toString);
    }

    @Test
    void projectBroadcastsReachThatProjectOnlyAndAllReachesEveryProject() {
        Cli a = shell("send-bcast", "/w/sb/a");
        Cli b = shell("send-bcast", "/w/sb/b");
        Cli o = shell("send-bcast", "/w/sb/o");
        register(a, "sb-demo");
        register(b, "sb-demo");
        String other = register(o, "sb-other");

        JsonNode toProject = json(a, "send", "--to", "@project:sb-demo", "--subject", "demo only").get("message");
        assertEquals("@project:sb-demo", toProject.get("to").asText());
        JsonNode toAll = json(o, "send", "--to", "@all", "--subject", "everyone").get("message");
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
        assertEquals(2, badProject.code(), badProject::toString);
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
            assertEquals(2, r.code(), () -> "ttl '" + bad + "': " + r);
        }
        assertEquals(before, count("SELECT count(*) FROM messages"));

        for (String[] good : new String[][] {{"90s", "90"}, {"30m", "1800"}, {"2h", "7200"}, {"3d", "259200"},
                {"PT1H", "3600"}}) {
            JsonNode m = json(a, "send", "--to", beta, "--subject", "ttl " + good[0], "--ttl", good[0]).get("message");
            long seconds = java.time.Duration.between(OffsetDateTime.parse(m.get("created_at").asText()),
                    OffsetDateTime.parse(m.get("expires_at").asText())).toSeconds();
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

        assertEquals(2, b.run("inbox", "--limit", "0").code());
        assertEquals(2, b.run("inbox", "--limit", "1001").code());
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

        long broadcast = json(a, "send", "--to", "@project:read-proj", "--subject", "heads up", "--body",
                "the body\nsecond line").get("message").get("id").asLong();
        long direct = json(a, "send", "--to", gamma, "--subject", "for gamma only").get("message").get("id").asLong();

        Cli.Result text = ok(b.run("read", String.valueOf(broadcast)));
        assertTrue(text.out().startsWith("#" + broadcast + " info from " + alpha + " to @project:read-proj"), text.out());
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
        assertEquals(1, count("SELECT count(*) FROM message_reads WHERE message_id = " + broadcast
                + " AND reader_id = (SELECT id FROM instances WHERE name = '" + gamma + "')"));

        Cli.Result notForB = b.run("read", String.valueOf(direct));
        assertEquals(3, notForB.code(), notForB::toString);
        Cli.Result notForOther = o.run("read", String.valueOf(broadcast));
        assertEquals(3, notForOther.code(), notForOther::toString);
        assertEquals(3, b.run("read", "999999999").code());
        JsonNode missing = b.run("read", "999999999", "--json").json();
        assertEquals(3, missing.get("error").get("exit_code").asInt());

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
        assertEquals(2, b.run("read").code(), "an id or --next is required");
        assertEquals(2, b.run("read", "1", "--next").code(), "not both");
    }

    // ---------------------------------------------------------------- remember / recall / update-memory

    @Test
    void rememberChecksTypeAgainstScopeAndDefaultsToTheCallersProject() throws Exception {
        Cli a = shell("mem", "/w/mem/a");
        Cli outsider = shell("mem", "/w/mem/unregistered");
        String alpha = register(a, "mem-proj");

        JsonNode mine = json(a, "remember", "--type", "gotcha", "--title", "  Default project  ", "--content",
                "goes to mem-proj").get("memory");
        assertEquals("mem-proj", mine.get("project").asText());
        assertEquals("project", mine.get("scope").asText());
        assertEquals("Default project", mine.get("title").asText());
        assertEquals(alpha, mine.get("author").asText());
        assertEquals("active", mine.get("status").asText());
        assertTrue(mine.get("rank").isNull());

        Cli.Result text = ok(a.run("remember", "--project", "mem-elsewhere", "--type", "fix", "--title", "Elsewhere",
                "--content", "goes to mem-elsewhere"));
        assertTrue(text.out().matches("remembered #\\d+ \\(mem-elsewhere, fix\\)\n"), text.out());
        Cli.Result global = ok(a.run("remember", "--global", "--type", "lesson", "--title", "Global lesson",
                "--content", "for every project"));
        assertTrue(global.out().matches("remembered #\\d+ \\(global, lesson\\)\n"), global.out());

        long before = count("SELECT count(*) FROM memories");
        assertEquals(2, a.run("remember", "--project", "mem-proj", "--type", "lesson", "--title", "t", "--content", "c").code());
        assertEquals(2, a.run("remember", "--global", "--type", "gotcha", "--title", "t", "--content", "c").code());
        assertEquals(2, a.run("remember", "--type", "nonsense", "--title", "t", "--content", "c").code());
        assertEquals(2, a.run("remember", "--global", "--project", "mem-proj", "--type", "lesson", "--title", "t",
                "--content", "c").code());
        assertEquals(2, a.run("remember", "--type", "fix", "--title", " ", "--content", "c").code());
        assertEquals(2, a.run("remember", "--type", "fix", "--title", "x".repeat(201), "--content", "c").code());
        assertEquals(2, a.run("remember", "--type", "fix", "--title", "t", "--content", "c".repeat(65_537)).code());
        assertEquals(4, outsider.run("remember", "--project", "mem-proj", "--type", "fix", "--title", "t",
                "--content", "c").code(), "remember needs a registered author");
        assertEquals(before, count("SELECT count(*) FROM memories"));

        assertEquals(List.of("Default project"), titles(json(a, "recall")));
        assertEquals(List.of("Elsewhere"), titles(json(a, "recall", "--project", "mem-elsewhere")));
        assertTrue(titles(json(a, "recall", "--global")).contains("Global lesson"));
        assertFalse(titles(json(a, "recall", "--global")).contains("Default project"));
        assertEquals(List.of("Default project"), titles(json(outsider, "recall", "--project", "mem-proj")));
        assertEquals(2, outsider.run("recall").code(), "an unregistered caller must name a project");
    }

    @Test
    void rememberReadsContentFromStdin() {
        Cli a = shell("mem-stdin", "/w/mem-stdin");
        register(a, "stdin-proj");
        String content = "line one\nline two with ünïcode\n";
        Cli.Result r = a.runWithStdin(content, "remember", "--type", "pattern", "--title", "From stdin",
                "--content", "-", "--json");
        assertEquals(0, r.code(), r::toString);
        assertEquals("line one\nline two with ünïcode", r.json().get("memory").get("content").asText());
        JsonNode recalled = json(a, "recall").get("memories").get(0);
        assertEquals("line one\nline two with ünïcode", recalled.get("content").asText());
        assertEquals(2, a.runWithStdin("  \n", "remember", "--type", "pattern", "--title", "Empty", "--content", "-").code());
    }

    @Test
    void recallFiltersByTypeAndLimits() {
        Cli a = shell("recall", "/w/recall");
        register(a, "recall-proj");
        for (int i = 1; i <= 4; i++) {
            ok(a.run("remember", "--type", i % 2 == 0 ? "decision" : "issue", "--title", "Memory " + i,
                    "--content", "content " + i));
        }
        assertEquals(List.of("Memory 4", "Memory 3", "Memory 2", "Memory 1"), titles(json(a, "recall")));
        assertEquals(List.of("Memory 4", "Memory 2"), titles(json(a, "recall", "--type", "decision")));
        assertEquals(List.of("Memory 3", "Memory 1"), titles(json(a, "recall", "--type", "issue")));
        assertEquals(2, a.run("recall", "--type", "lesson").code(), "a global type for project memory");
        assertEquals(2, a.run("recall", "--type", "bogus").code());
        assertEquals(2, a.run("recall", "--limit", "0").code());

        JsonNode limited = json(a, "recall", "--limit", "3");
        assertEquals(List.of("Memory 4", "Memory 3", "Memory 2"), titles(limited));
        assertEquals(4, limited.get("total").asInt());
        assertEquals(1, limited.get("more").asInt());
        Cli.Result text = ok(a.run("recall", "--limit", "3"));
        assertTrue(text.out().contains("#"), text.out());
        assertTrue(text.out().contains("decision: Memory 4"), text.out());
        assertTrue(text.out().contains("    content 4"), text.out());
        assertFalse(text.out().contains("Memory 1"), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("1 more")), text.out());
        assertFalse(ok(a.run("recall")).out().contains(" more"));

        Cli.Result empty = ok(a.run("recall", "--project", "recall-empty"));
        assertEquals("no memories for recall-empty\n", empty.out());
    }

    @Test
    void updateMemoryChangesStatusAndRecallFiltersByIt() throws Exception {
        Cli a = shell("update", "/w/update");
        register(a, "upd-proj");
        JsonNode created = json(a, "remember", "--type", "issue", "--title", "Flaky build", "--content",
                "the build fails on Mondays").get("memory");
        long id = created.get("id").asLong();
        ok(a.run("remember", "--type", "issue", "--title", "Still open", "--content", "open issue"));

        Cli.Result text = ok(a.run("update-memory", String.valueOf(id), "--status", "resolved"));
        assertEquals("updated #" + id + " (resolved): Flaky build\n", text.out());

        Cli.Result recall = ok(a.run("recall"));
        assertTrue(recall.out().contains("#" + id + " issue [resolved]: Flaky build"), recall.out());
        assertFalse(recall.out().contains("[resolved]: Still open"), recall.out());
        JsonNode resolved = memoryById(json(a, "recall"), id);
        assertEquals("resolved", resolved.get("status").asText());
        assertTrue(OffsetDateTime.parse(resolved.get("updated_at").asText())
                .isAfter(OffsetDateTime.parse(created.get("updated_at").asText())), "updated_at advances");
        assertEquals(created.get("created_at").asText(), resolved.get("created_at").asText());

        assertEquals(List.of("Still open"), titles(json(a, "recall", "--status", "active")));
        assertEquals(List.of("Flaky build"), titles(json(a, "recall", "--status", "resolved")));
        assertEquals(List.of(), titles(json(a, "recall", "--status", "obsolete")));
        assertEquals(2, a.run("recall", "--status", "bogus").code());

        JsonNode obsolete = json(a, "update-memory", String.valueOf(id), "--status", "obsolete", "--title",
                "Flaky build (old)", "--content", "no longer relevant").get("memory");
        assertEquals("obsolete", obsolete.get("status").asText());
        assertEquals("Flaky build (old)", obsolete.get("title").asText());
        assertEquals("no longer relevant", obsolete.get("content").asText());
        assertEquals(List.of("Still open"), titles(json(a, "recall")), "obsolete is hidden by default");
        assertEquals(List.of("Flaky build (old)"), titles(json(a, "recall", "--status", "obsolete")));
        assertEquals(List.of("Still open", "Flaky build (old)"), titles(json(a, "recall", "--status", "all")));
        assertTrue(ok(a.run("recall", "--status", "all")).out().contains("[obsolete]: Flaky build (old)"));

        JsonNode titleOnly = json(a, "update-memory", String.valueOf(id), "--title", "Renamed").get("memory");
        assertEquals("obsolete", titleOnly.get("status").asText(), "a title change keeps the status");
        assertEquals("no longer relevant", titleOnly.get("content").asText());

        String before = snapshot("SELECT status || title || content || updated_at FROM memories WHERE id = " + id);
        assertEquals(2, a.run("update-memory", String.valueOf(id)).code());
        assertEquals(2, a.run("update-memory", String.valueOf(id), "--status", "done").code());
        assertEquals(2, a.run("update-memory", String.valueOf(id), "--title", " ").code());
        assertEquals(before, snapshot("SELECT status || title || content || updated_at FROM memories WHERE id = " + id));
        Cli.Result unknown = a.run("update-memory", "987654321", "--status", "resolved");
        assertEquals(3, unknown.code(), unknown::toString);
        assertEquals(2, a.run("update-memory", "not-a-number", "--status", "resolved").code());
    }

    @Test
    void recallSearchIsFullTextWithStemmingAndRanking() {
        Cli a = shell("search", "/w/search");
        register(a, "search-proj");
        long once = json(a, "remember", "--type", "issue", "--title", "Connection pool notes", "--content",
                "Under load the pool deadlocks sometimes.").get("memory").get("id").asLong();
        long strong = json(a, "remember", "--type", "gotcha", "--title", "Deadlock in the scheduler", "--content",
                "Deadlock after deadlock: the scheduler deadlocked twice today.").get("memory").get("id").asLong();
        long unrelated = json(a, "remember", "--type", "fix", "--title", "Padding", "--content",
                "Fixed the padding of the header.").get("memory").get("id").asLong();
        // Created last, so a plain newest-first order would put it first.
        long newest = json(a, "remember", "--type", "issue", "--title", "Misc", "--content",
                "One more deadlock seen in CI.").get("memory").get("id").asLong();

        JsonNode hits = json(a, "recall", "--search", "deadlock");
        List<Long> ids = ids(hits);
        assertEquals(Set.of(once, strong, newest), new HashSet<>(ids), hits.toString());
        assertEquals(strong, ids.get(0), "the title (weight A) and repetition rank first: " + hits);
        assertFalse(ids.contains(unrelated));
        double top = hits.get("memories").get(0).get("rank").asDouble();
        for (JsonNode m : hits.get("memories")) {
            assertTrue(m.get("rank").isNumber(), m.toString());
            assertTrue(m.get("rank").asDouble() <= top);
        }
        assertTrue(top > hits.get("memories").get(2).get("rank").asDouble(), hits.toString());
        assertEquals(3, hits.get("total").asInt());

        // Stemming works both ways: "deadlocks" finds a "Deadlock" title.
        assertEquals(Set.of(once, strong, newest), new HashSet<>(ids(json(a, "recall", "--search", "deadlocks"))));
        assertEquals(List.of(), ids(json(a, "recall", "--search", "lock")), "no substring match");
        assertEquals(List.of(), ids(json(a, "recall", "--search", "kubernetes")));
        assertEquals("no memories for search-proj\n", ok(a.run("recall", "--search", "kubernetes")).out());
        assertEquals(List.of(unrelated), ids(json(a, "recall", "--search", "padding header")));
        assertEquals(List.of(strong), ids(json(a, "recall", "--search", "deadlock", "--type", "gotcha")));

        JsonNode limited = json(a, "recall", "--search", "deadlock", "--limit", "1");
        assertEquals(List.of(strong), ids(limited));
        assertEquals(2, limited.get("more").asInt());
        Cli.Result text = ok(a.run("recall", "--search", "deadlock", "--limit", "1"));
        assertTrue(text.out().startsWith("#" + strong + " gotcha: Deadlock in the scheduler"), text.out());
    }

    // ---------------------------------------------------------------- log / status

    @Test
    void logEntriesAndProjectFilterInStatus() {
        Cli a = shell("status", "/w/status/a");
        Cli b = shell("status", "/w/status/b");
        Cli nobody = shell("status", "/w/status/nobody");
        String alpha = register(a, "st-one");
        String beta = register(b, "st-two");

        Cli.Result logged = ok(a.run("log", "--action", "deploy", "--summary", "Deployed st-one v1.2"));
        assertTrue(logged.out().matches("logged #\\d+\n"), logged.out());
        JsonNode entry = json(b, "log", "--action", "migrate", "--summary", "Migrated st-two").get("entry");
        assertEquals(beta, entry.get("instance").asText());
        assertEquals("st-two", entry.get("project").asText());
        OffsetDateTime.parse(entry.get("created_at").asText());
        assertEquals(2, a.run("log", "--action", "", "--summary", "x").code());
        assertEquals(2, a.run("log", "--action", "x".repeat(101), "--summary", "x").code());
        assertEquals(2, a.run("log", "--action", "x", "--summary", "y".repeat(2001)).code());
        assertEquals(2, a.run("log", "--action", "x").code(), "--summary is required");
        ok(a.run("send", "--to", "@project:st-one", "--subject", "one's news"));
        ok(b.run("send", "--to", "@project:st-two", "--subject", "two's news"));

        JsonNode all = json(nobody, "status");
        assertTrue(all.get("me").isNull(), all.toString());
        assertNotNull(instanceIn(all, alpha));
        assertNotNull(instanceIn(all, beta));
        assertTrue(logSummaries(all).containsAll(List.of("Deployed st-one v1.2", "Migrated st-two")), all.toString());

        JsonNode one = json(a, "status", "--project", "st-one");
        assertEquals(alpha, one.get("me").asText());
        assertEquals(List.of(alpha), names(one.get("instances")));
        assertEquals(List.of("Deployed st-one v1.2"), logSummaries(one));
        assertEquals(List.of("one's news"), subjects(one));
        JsonNode logEntry = one.get("log").get(0);
        assertEquals(alpha, logEntry.get("instance").asText());
        assertEquals("deploy", logEntry.get("action").asText());
        assertEquals("st-one", logEntry.get("project").asText());

        Cli.Result text = ok(b.run("status", "--project", "st-two"));
        assertTrue(text.out().startsWith("INSTANCES (1 live in st-two)  you are " + beta), text.out());
        assertTrue(text.out().contains("Migrated st-two"), text.out());
        assertTrue(text.out().contains("migrate"), text.out());
        assertTrue(text.out().contains(beta + " -> @project:st-two"), text.out());
        assertFalse(text.out().contains(alpha), text.out());
        assertFalse(text.out().contains("Deployed st-one"), text.out());
        assertFalse(text.out().contains("one's news"), text.out());

        assertEquals(2, a.run("status", "--project", "bad project").code());
        assertEquals(2, a.run("status", "--stale-after", "bogus").code());
        assertEquals(2, a.run("status", "--limit", "-1").code());
    }

    @Test
    void statusMarksInstancesUnseenForLongAsStale() throws Exception {
        Cli a = shell("stale-status", "/w/stale-status/a");
        Cli b = shell("stale-status", "/w/stale-status/b");
        String alpha = register(a, "ss-proj");
        String beta = register(b, "ss-proj");
        setLastSeenHoursAgo(alpha, 2);

        JsonNode doc = json(b, "status", "--project", "ss-proj");
        assertTrue(instanceIn(doc, alpha).get("stale").asBoolean(), doc.toString());
        assertFalse(instanceIn(doc, beta).get("stale").asBoolean(), doc.toString());
        assertFalse(json(b, "status", "--project", "ss-proj", "--stale-after", "3h").get("instances").findValues("stale")
                .stream().anyMatch(JsonNode::asBoolean));

        Cli.Result text = ok(b.run("status", "--project", "ss-proj"));
        String alphaLine = text.out().lines().filter(l -> l.startsWith(alpha + " ")).findFirst().orElseThrow();
        String betaLine = text.out().lines().filter(l -> l.startsWith(beta + " ")).findFirst().orElseThrow();
        assertTrue(alphaLine.contains("2h ago (stale)"), text.out());
        assertFalse(betaLine.contains("(stale)"), text.out());
    }

    // ---------------------------------------------------------------- cleanup

    @Test
    void cleanupRemovesStaleInstancesWhichComeBackWithTheirInbox() throws Exception {
        Cli a = shell("cleanup", "/w/cleanup/a");
        Cli b = shell("cleanup", "/w/cleanup/b");
        ok(b.run("cleanup")); // whatever earlier tests left behind
        String alpha = register(a, "cl-proj");
        String beta = register(b, "cl-proj");
        ok(b.run("send", "--to", alpha, "--subject", "before you went stale"));
        setLastSeenHoursAgo(alpha, 2);

        assertEquals(2, b.run("cleanup", "--stale-after", "bogus").code());
        assertNotNull(instanceIn(json(b, "status"), alpha), "a failed cleanup changes nothing");

        Cli.Result text = ok(b.run("cleanup"));
        assertEquals("removed 1 stale instance, deleted 0 expired messages\n", text.out());
        JsonNode status = json(b, "status");
        assertTrue(names(status.get("instances")).contains(beta));
        assertFalse(names(status.get("instances")).contains(alpha), status.toString());
        assertEquals("stale", snapshot("SELECT left_reason FROM instances WHERE name = '" + alpha + "'"));

        Cli.Result inbox = a.run("inbox");
        assertEquals(4, inbox.code(), inbox::toString);
        assertTrue(inbox.err().contains("register"), inbox.err());
        ok(b.run("send", "--to", alpha, "--subject", "while you were stale"));

        JsonNode again = json(a, "register", "--project", "cl-proj");
        assertTrue(again.get("revived").asBoolean());
        assertEquals(alpha, again.get("instance").get("name").asText());
        assertEquals(List.of("while you were stale", "before you went stale"), subjects(json(a, "inbox")));

        JsonNode nothing = json(b, "cleanup");
        assertEquals(0, nothing.get("stale_instances").asInt());
        assertEquals(0, nothing.get("expired_messages").asInt());
        setLastSeenHoursAgo(alpha, 2);
        assertEquals(0, json(b, "cleanup", "--stale-after", "3h").get("stale_instances").asInt());
        assertEquals(1, json(b, "cleanup", "--stale-after", "90m").get("stale_instances").asInt());
    }

    @Test
    void expiredMessagesVanishFromInboxAndCleanupDeletesThem() throws Exception {
        Cli a = shell("expiry", "/w/expiry/a");
        Cli b = shell("expiry", "/w/expiry/b");
        ok(b.run("cleanup"));
        register(a, "ex-proj");
        String beta = register(b, "ex-proj");
        long keep = json(a, "send", "--to", beta, "--subject", "keep me").get("message").get("id").asLong();
        long gone1 = json(a, "send", "--to", beta, "--subject", "expire me").get("message").get("id").asLong();
        long gone2 = json(a, "send", "--to", "@project:ex-proj", "--subject", "expire me too")
                .get("message").get("id").asLong();
        ok(b.run("read", String.valueOf(gone1))); // a read mark must not block the delete
        assertEquals(List.of("expire me too", "keep me"), subjects(json(b, "inbox")));

        execute("UPDATE messages SET expires_at = now() - interval '1 second' WHERE id IN (" + gone1 + ", " + gone2 + ")");
        assertEquals(List.of("keep me"), subjects(json(b, "inbox")));
        assertEquals(3, b.run("read", String.valueOf(gone2)).code(), "an expired message cannot be read");
        assertEquals(2, count("SELECT count(*) FROM messages WHERE id IN (" + gone1 + ", " + gone2 + ")"),
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
        assertEquals("removed 0 stale instances, deleted 1 expired message\n", ok(b.run("cleanup")).out());
    }

    // ---------------------------------------------------------------- input limits

    @Test
    void oversizedOrEmptyInputIsRejectedAndWritesNothing() throws Exception {
        Cli a = shell("limits", "/w/limits/a");
        Cli b = shell("limits", "/w/limits/b");
        register(a, "lim-proj");
        String beta = register(b, "lim-proj");
        long messages = count("SELECT count(*) FROM messages");
        long log = count("SELECT count(*) FROM action_log");

        List<String[]> bad = new ArrayList<>();
        bad.add(new String[] {"send", "--to", beta, "--subject", ""});
        bad.add(new String[] {"send", "--to", beta, "--subject", "   "});
        bad.add(new String[] {"send", "--to", beta, "--subject", "s".repeat(201)});
        bad.add(new String[] {"send", "--to", beta, "--subject", "ok", "--body", "b".repeat(65_537)});
        bad.add(new String[] {"send", "--to", "@all", "--subject", "s".repeat(201)});
        bad.add(new String[] {"send", "--to", beta});
        for (String[] args : bad) {
            Cli.Result r = a.run(args);
            assertEquals(2, r.code(), () -> String.join(" ", args).substring(0, Math.min(80, String.join(" ", args).length())) + ": " + r);
            assertTrue(r.err().startsWith("clambake send: "), r.err());
            JsonNode error = a.run(withJson(args)).json().get("error");
            assertEquals(2, error.get("exit_code").asInt());
        }
        Cli.Result fromStdin = a.runWithStdin("b".repeat(65_537), "send", "--to", beta, "--subject", "ok", "--body", "-");
        assertEquals(2, fromStdin.code(), fromStdin::toString);
        assertEquals(messages, count("SELECT count(*) FROM messages"));
        assertEquals(log, count("SELECT count(*) FROM action_log"));
        assertEquals(0, json(b, "inbox").get("unread").asInt());

        ok(a.run("send", "--to", beta, "--subject", "s".repeat(200), "--body", "b".repeat(65_536)));
        JsonNode got = json(b, "inbox").get("messages").get(0);
        assertEquals(200, got.get("subject").asText().length());
        assertEquals(65_536, got.get("body").asText().length());
    }

    // ---------------------------------------------------------------- helpers

    private static Cli.Result ok(Cli.Result result) {
        assertEquals(0, result.code(), result::toString);
        return result;
    }

    private static String[] withJson(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--json";
        return all;
    }

    private static JsonNode json(Cli shell, String... args) {
        return ok(shell.run(withJson(args))).json();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> subjects(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.get("messages").forEach(m -> out.add(m.get("subject").asText()));
        return out;
    }

    private static List<String> titles(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.get("memories").forEach(m -> out.add(m.get("title").asText()));
        return out;
    }

    private static List<Long> ids(JsonNode doc) {
        List<Long> out = new ArrayList<>();
        doc.get("memories").forEach(m -> out.add(m.get("id").asLong()));
        return out;
    }

    private static List<String> names(JsonNode instances) {
        List<String> out = new ArrayList<>();
        instances.forEach(i -> out.add(i.get("name").asText()));
        return out;
    }

    private static List<String> logSummaries(JsonNode status) {
        List<String> out = new ArrayList<>();
        status.get("log").forEach(e -> out.add(e.get("summary").asText()));
        return out;
    }

    private static JsonNode memoryById(JsonNode doc, long id) {
        for (JsonNode m : doc.get("memories")) {
            if (m.get("id").asLong() == id) {
                return m;
            }
        }
        throw new AssertionError("no memory #" + id + " in " + doc);
    }

    private static JsonNode instanceIn(JsonNode status, String name) {
        for (JsonNode i : status.get("instances")) {
            if (i.get("name").asText().equals(name)) {
                assertEquals(INSTANCE_KEYS, fieldNames(i));
                return i;
            }
        }
        return null;
    }

    private static String taskOf(Cli observer, String name) {
        JsonNode i = instanceIn(json(observer, "status"), name);
        assertNotNull(i, name + " is listed");
        return i.get("task").isNull() ? null : i.get("task").asText();
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.connect("clambake"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private long count(String sql) throws SQLException {
        return Long.parseLong(snapshot(sql));
    }

    private String snapshot(String sql) throws SQLException {
        try (Connection c = db.connect("clambake"); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
