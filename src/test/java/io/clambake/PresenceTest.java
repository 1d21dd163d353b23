package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who is there: register, deregister, heartbeat, log, status and cleanup, in text and in JSON,
 * against a real database. Each test works on its own host name (and its own project names where
 * status lists a project), so that the tests of this class, which share one database, cannot see
 * each other's instances by directory.
 */
class PresenceTest extends DatabaseTest {
    @TempDir
    Path temp;

    private static final Set<String> INSTANCE_KEYS = Set.of(
            "name",
            "project",
            "host",
            "machine",
            "dir",
            "pid",
            "task",
            "registered_at",
            "started_at",
            "last_seen",
            "stale",
            "left_at",
            "left_reason");

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
        assertEquals(ExitCode.NOT_REGISTERED, a.run("inbox").code());
        assertEquals(ExitCode.NOT_REGISTERED, a.run("deregister").code(), "deregistering twice");
        assertFalse(json(b, "status").get("instances").findValuesAsText("name").contains(alpha));

        ok(b.run("send", "--to", alpha, "--subject", "while you were out", "--body", "hello"));

        JsonNode again = json(a, "register", "--project", "demo");
        assertTrue(again.get("revived").asBoolean(), again.toString());
        JsonNode revived = again.get("instance");
        assertEquals(alpha, revived.get("name").asText());
        assertTrue(revived.get("left_at").isNull());
        assertTrue(revived.get("left_reason").isNull());
        assertEquals(
                first.get("registered_at").asText(),
                revived.get("registered_at").asText(),
                "registered_at is the first registration");
        assertFalse(OffsetDateTime.parse(revived.get("started_at").asText())
                .isBefore(OffsetDateTime.parse(first.get("started_at").asText())));

        JsonNode inbox = json(a, "inbox");
        assertEquals(1, inbox.get("messages").size(), inbox.toString());
        assertEquals(
                "while you were out",
                inbox.get("messages").get(0).get("subject").asText());

        ok(a.run("deregister"));
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
        assertEquals(ExitCode.USAGE, taken.code(), taken::toString);
        assertTrue(taken.err().contains("taken"), taken.err());
        Cli.Result invalid = b.run("register", "--project", "demo", "--name", "Bad Name");
        assertEquals(ExitCode.USAGE, invalid.code(), invalid::toString);
        Cli.Result badProject = b.run("register", "--project", "bad project");
        assertEquals(ExitCode.USAGE, badProject.code(), badProject::toString);
        assertEquals(before, count("SELECT count(*) FROM instances"));
        assertEquals(ExitCode.NOT_REGISTERED, b.run("inbox").code(), "b is still not registered");

        JsonNode taken2 = b.run("register", "--project", "demo", "--name", "picked-name", "--json")
                .json();
        assertEquals(ExitCode.USAGE, taken2.get("error").get("exit_code").asInt());
    }

    @Test
    void registerDirDefaultsToTheWorkingDirectoryAndResolvesRelativePaths() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("dir/child"));
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        Cli a = shell("reg-dir", dir.getParent().toString());
        JsonNode sub = json(a, "register", "--project", "demo", "--dir", "sub/../child")
                .get("instance");
        assertEquals(dir.toString(), sub.get("dir").asText());
        JsonNode abs = json(a, "register", "--project", "demo", "--dir", elsewhere.toString())
                .get("instance");
        assertEquals(elsewhere.toString(), abs.get("dir").asText());
        assertEquals(
                sub.get("name").asText(),
                json(a.in(dir + "/x"), "status").get("me").asText());
        assertTrue(json(a, "status").get("me").isNull(), dir.getParent() + " itself is not registered");
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
        assertEquals(ExitCode.USAGE, tooLong.code(), tooLong::toString);
        assertEquals("porting the parser", taskOf(observer, name));
        ok(a.run("heartbeat", "--task", "y".repeat(500)));
        assertEquals("y".repeat(500), taskOf(observer, name));

        Cli.Result cleared = ok(a.run("heartbeat", "--task", ""));
        assertEquals(name + ": (no task)\n", cleared.out());
        assertTrue(instanceIn(json(observer, "status"), name).get("task").isNull());
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
        JsonNode entry = json(b, "log", "--action", "migrate", "--summary", "Migrated st-two")
                .get("entry");
        assertEquals(beta, entry.get("instance").asText());
        assertEquals("st-two", entry.get("project").asText());
        OffsetDateTime.parse(entry.get("created_at").asText());
        assertEquals(
                ExitCode.USAGE, a.run("log", "--action", "", "--summary", "x").code());
        assertEquals(
                ExitCode.USAGE,
                a.run("log", "--action", "x".repeat(101), "--summary", "x").code());
        assertEquals(
                ExitCode.USAGE,
                a.run("log", "--action", "x", "--summary", "y".repeat(2001)).code());
        assertEquals(ExitCode.USAGE, a.run("log", "--action", "x").code(), "--summary is required");
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

        assertEquals(ExitCode.USAGE, a.run("status", "--project", "bad project").code());
        assertEquals(ExitCode.USAGE, a.run("status", "--stale-after", "bogus").code());
        assertEquals(ExitCode.USAGE, a.run("status", "--limit", "-1").code());
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
        assertFalse(
                json(b, "status", "--project", "ss-proj", "--stale-after", "3h")
                        .get("instances")
                        .findValues("stale")
                        .stream()
                        .anyMatch(JsonNode::asBoolean));

        Cli.Result text = ok(b.run("status", "--project", "ss-proj"));
        String alphaLine = text.out()
                .lines()
                .filter(l -> l.startsWith(alpha + " "))
                .findFirst()
                .orElseThrow();
        String betaLine = text.out()
                .lines()
                .filter(l -> l.startsWith(beta + " "))
                .findFirst()
                .orElseThrow();
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

        assertEquals(ExitCode.USAGE, b.run("cleanup", "--stale-after", "bogus").code());
        assertNotNull(instanceIn(json(b, "status"), alpha), "a failed cleanup changes nothing");

        Cli.Result text = ok(b.run("cleanup"));
        assertEquals("removed 1 stale instance, deleted 0 expired messages\n", text.out());
        JsonNode status = json(b, "status");
        assertTrue(names(status.get("instances")).contains(beta));
        assertFalse(names(status.get("instances")).contains(alpha), status.toString());
        assertEquals("stale", snapshot("SELECT left_reason FROM instances WHERE name = '" + alpha + "'"));

        Cli.Result inbox = a.run("inbox");
        assertEquals(ExitCode.NOT_REGISTERED, inbox.code(), inbox::toString);
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
        assertEquals(
                0,
                json(b, "cleanup", "--stale-after", "3h").get("stale_instances").asInt());
        assertEquals(
                1,
                json(b, "cleanup", "--stale-after", "90m")
                        .get("stale_instances")
                        .asInt());
    }

    @Test
    void cleanupHasAFloorAndNeverMarksItsCaller() throws Exception {
        Cli a = shell("cleanup-floor", "/w/cleanup-floor/a");
        Cli b = shell("cleanup-floor", "/w/cleanup-floor/b");
        String alpha = register(a, "cf-proj");
        String beta = register(b, "cf-proj");
        Thread.sleep(1_100);

        Cli.Result tooShort = b.run("cleanup", "--stale-after", "1s");
        assertEquals(ExitCode.USAGE, tooShort.code(), tooShort::toString);
        assertEquals("clambake cleanup: --stale-after 1s is out of range: 10m to 365d\n", tooShort.err());
        assertEquals(ExitCode.USAGE, b.run("cleanup", "--stale-after", "9m").code());
        assertNotNull(instanceIn(json(b, "status"), alpha), "nobody was marked stale");

        ok(b.run("cleanup")); // whatever earlier tests left behind
        setLastSeenHoursAgo(alpha, 2);
        setLastSeenHoursAgo(beta, 2);
        assertEquals(
                1,
                json(b, "cleanup", "--stale-after", "10m")
                        .get("stale_instances")
                        .asInt());
        JsonNode status = json(b, "status");
        assertEquals(beta, status.get("me").asText(), "the caller is live: " + status);
        assertFalse(names(status.get("instances")).contains(alpha), status.toString());
    }

    // ---------------------------------------------------------------- helpers

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> names(JsonNode instances) {
        return texts(instances, "name");
    }

    private static List<String> logSummaries(JsonNode status) {
        return texts(status.get("log"), "summary");
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
}
