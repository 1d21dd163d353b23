package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Shared memory: remember, recall and update-memory, in text and in JSON, against a real
 * database. Each test works on its own host name and its own project names, so that the tests of
 * this class, which share one database, cannot see each other's memories.
 */
class MemoryTest extends DatabaseTest {

    @Test
    void rememberChecksTypeAgainstScopeAndDefaultsToTheCallersProject() throws Exception {
        Cli a = shell("mem", "/w/mem/a");
        Cli outsider = shell("mem", "/w/mem/unregistered");
        String alpha = register(a, "mem-proj");

        JsonNode mine = json(
                        a,
                        "remember",
                        "--type",
                        "gotcha",
                        "--title",
                        "  Default project  ",
                        "--content",
                        "goes to mem-proj")
                .get("memory");
        assertEquals("mem-proj", mine.get("project").asText());
        assertEquals("project", mine.get("scope").asText());
        assertEquals("Default project", mine.get("title").asText());
        assertEquals(alpha, mine.get("author").asText());
        assertEquals("active", mine.get("status").asText());
        assertTrue(mine.get("rank").isNull());

        Cli.Result text = ok(a.run(
                "remember",
                "--project",
                "mem-elsewhere",
                "--type",
                "fix",
                "--title",
                "Elsewhere",
                "--content",
                "goes to mem-elsewhere"));
        assertTrue(text.out().matches("remembered #\\d+ \\(mem-elsewhere, fix\\)\n"), text.out());
        Cli.Result global = ok(a.run(
                "remember",
                "--global",
                "--type",
                "lesson",
                "--title",
                "Global lesson",
                "--content",
                "for every project"));
        assertTrue(global.out().matches("remembered #\\d+ \\(global, lesson\\)\n"), global.out());

        long before = count("SELECT count(*) FROM memories");
        assertEquals(
                ExitCode.USAGE,
                a.run("remember", "--project", "mem-proj", "--type", "lesson", "--title", "t", "--content", "c")
                        .code());
        assertEquals(
                ExitCode.USAGE,
                a.run("remember", "--global", "--type", "gotcha", "--title", "t", "--content", "c")
                        .code());
        assertEquals(
                ExitCode.USAGE,
                a.run("remember", "--type", "nonsense", "--title", "t", "--content", "c")
                        .code());
        assertEquals(
                ExitCode.USAGE,
                a.run(
                                "remember",
                                "--global",
                                "--project",
                                "mem-proj",
                                "--type",
                                "lesson",
                                "--title",
                                "t",
                                "--content",
                                "c")
                        .code());
        assertEquals(
                ExitCode.USAGE,
                a.run("remember", "--type", "fix", "--title", " ", "--content", "c")
                        .code());
        assertEquals(
                ExitCode.USAGE,
                a.run("remember", "--type", "fix", "--title", "x".repeat(201), "--content", "c")
                        .code());
        assertEquals(
                ExitCode.USAGE,
                a.run("remember", "--type", "fix", "--title", "t", "--content", "c".repeat(65_537))
                        .code());
        assertEquals(
                ExitCode.NOT_REGISTERED,
                outsider.run("remember", "--project", "mem-proj", "--type", "fix", "--title", "t", "--content", "c")
                        .code(),
                "remember needs a registered author");
        assertEquals(before, count("SELECT count(*) FROM memories"));

        assertEquals(List.of("Default project"), titles(json(a, "recall")));
        assertEquals(List.of("Elsewhere"), titles(json(a, "recall", "--project", "mem-elsewhere")));
        assertTrue(titles(json(a, "recall", "--global")).contains("Global lesson"));
        assertFalse(titles(json(a, "recall", "--global")).contains("Default project"));
        assertEquals(List.of("Default project"), titles(json(outsider, "recall", "--project", "mem-proj")));
        assertEquals(ExitCode.USAGE, outsider.run("recall").code(), "an unregistered caller must name a project");
    }

    @Test
    void rememberReadsContentFromStdin() {
        Cli a = shell("mem-stdin", "/w/mem-stdin");
        register(a, "stdin-proj");
        String content = "line one\nline two with ünïcode\n";
        Cli.Result r = a.runWithStdin(
                content, "remember", "--type", "pattern", "--title", "From stdin", "--content", "-", "--json");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals(
                "line one\nline two with ünïcode",
                r.json().get("memory").get("content").asText());
        JsonNode recalled = json(a, "recall").get("memories").get(0);
        assertEquals("line one\nline two with ünïcode", recalled.get("content").asText());
        assertEquals(
                ExitCode.USAGE,
                a.runWithStdin("  \n", "remember", "--type", "pattern", "--title", "Empty", "--content", "-")
                        .code());
    }

    @Test
    void recallFiltersByTypeAndLimits() {
        Cli a = shell("recall", "/w/recall");
        register(a, "recall-proj");
        for (int i = 1; i <= 4; i++) {
            ok(a.run(
                    "remember",
                    "--type",
                    i % 2 == 0 ? "decision" : "issue",
                    "--title",
                    "Memory " + i,
                    "--content",
                    "content " + i));
        }
        assertEquals(List.of("Memory 4", "Memory 3", "Memory 2", "Memory 1"), titles(json(a, "recall")));
        assertEquals(List.of("Memory 4", "Memory 2"), titles(json(a, "recall", "--type", "decision")));
        assertEquals(List.of("Memory 3", "Memory 1"), titles(json(a, "recall", "--type", "issue")));
        assertEquals(ExitCode.USAGE, a.run("recall", "--type", "lesson").code(), "a global type for project memory");
        assertEquals(ExitCode.USAGE, a.run("recall", "--type", "bogus").code());
        assertEquals(ExitCode.USAGE, a.run("recall", "--limit", "0").code());

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
        JsonNode created = json(
                        a,
                        "remember",
                        "--type",
                        "issue",
                        "--title",
                        "Flaky build",
                        "--content",
                        "the build fails on Mondays")
                .get("memory");
        long id = created.get("id").asLong();
        ok(a.run("remember", "--type", "issue", "--title", "Still open", "--content", "open issue"));

        Cli.Result text = ok(a.run("update-memory", String.valueOf(id), "--status", "resolved"));
        assertEquals("updated #" + id + " (resolved): Flaky build\n", text.out());

        Cli.Result recall = ok(a.run("recall"));
        assertTrue(recall.out().contains("#" + id + " issue [resolved]: Flaky build"), recall.out());
        assertFalse(recall.out().contains("[resolved]: Still open"), recall.out());
        JsonNode resolved = memoryById(json(a, "recall"), id);
        assertEquals("resolved", resolved.get("status").asText());
        assertTrue(
                OffsetDateTime.parse(resolved.get("updated_at").asText())
                        .isAfter(OffsetDateTime.parse(created.get("updated_at").asText())),
                "updated_at advances");
        assertEquals(
                created.get("created_at").asText(), resolved.get("created_at").asText());

        assertEquals(List.of("Still open"), titles(json(a, "recall", "--status", "active")));
        assertEquals(List.of("Flaky build"), titles(json(a, "recall", "--status", "resolved")));
        assertEquals(List.of(), titles(json(a, "recall", "--status", "obsolete")));
        assertEquals(ExitCode.USAGE, a.run("recall", "--status", "bogus").code());

        JsonNode obsolete = json(
                        a,
                        "update-memory",
                        String.valueOf(id),
                        "--status",
                        "obsolete",
                        "--title",
                        "Flaky build (old)",
                        "--content",
                        "no longer relevant")
                .get("memory");
        assertEquals("obsolete", obsolete.get("status").asText());
        assertEquals("Flaky build (old)", obsolete.get("title").asText());
        assertEquals("no longer relevant", obsolete.get("content").asText());
        assertEquals(List.of("Still open"), titles(json(a, "recall")), "obsolete is hidden by default");
        assertEquals(List.of("Flaky build (old)"), titles(json(a, "recall", "--status", "obsolete")));
        assertEquals(List.of("Still open", "Flaky build (old)"), titles(json(a, "recall", "--status", "all")));
        assertTrue(ok(a.run("recall", "--status", "all")).out().contains("[obsolete]: Flaky build (old)"));

        JsonNode titleOnly = json(a, "update-memory", String.valueOf(id), "--title", "Renamed")
                .get("memory");
        assertEquals("obsolete", titleOnly.get("status").asText(), "a title change keeps the status");
        assertEquals("no longer relevant", titleOnly.get("content").asText());

        String before = snapshot("SELECT status || title || content || updated_at FROM memories WHERE id = " + id);
        assertEquals(ExitCode.USAGE, a.run("update-memory", String.valueOf(id)).code());
        assertEquals(
                ExitCode.USAGE,
                a.run("update-memory", String.valueOf(id), "--status", "done").code());
        assertEquals(
                ExitCode.USAGE,
                a.run("update-memory", String.valueOf(id), "--title", " ").code());
        assertEquals(
                before, snapshot("SELECT status || title || content || updated_at FROM memories WHERE id = " + id));
        Cli.Result unknown = a.run("update-memory", "987654321", "--status", "resolved");
        assertEquals(ExitCode.NOT_FOUND, unknown.code(), unknown::toString);
        assertEquals(
                ExitCode.USAGE,
                a.run("update-memory", "not-a-number", "--status", "resolved").code());
    }

    @Test
    void updateMemoryNeedsALiveCallerAndRecallShowsWhoChangedItLast() throws Exception {
        Cli author = shell("editors", "/w/editors/author");
        Cli editor = shell("editors", "/w/editors/editor");
        Cli gone = shell("editors", "/w/editors/gone");
        Cli outsider = shell("editors", "/w/editors/unregistered");
        String a = register(author, "ed-proj");
        String e = register(editor, "ed-proj");
        String g = register(gone, "ed-proj");
        ok(gone.run("deregister"));
        long id = json(author, "remember", "--type", "fix", "--title", "Pin the driver", "--content", "42.7")
                .get("memory")
                .get("id")
                .asLong();
        String before = snapshot("SELECT status || title || content || updated_at FROM memories WHERE id = " + id);
        Cli.Result unregistered = outsider.run("update-memory", String.valueOf(id), "--status", "obsolete");
        Cli.Result deregistered = gone.run("update-memory", String.valueOf(id), "--title", "Hijacked");
        Cli.Result named = outsider.run("update-memory", String.valueOf(id), "--title", "Hijacked", "--as", g);
        Cli.Result asJson = outsider.run("update-memory", String.valueOf(id), "--status", "obsolete", "--json");
        for (Cli.Result refused : List.of(unregistered, deregistered, named, asJson)) {
            assertEquals(ExitCode.NOT_REGISTERED, refused.code(), refused::toString);
            assertEquals(1, refused.err().lines().count(), refused::toString);
        }
        assertEquals(
                ExitCode.NOT_REGISTERED,
                asJson.json().get("error").get("exit_code").asInt());
        assertEquals(
                before, snapshot("SELECT status || title || content || updated_at FROM memories WHERE id = " + id));
        JsonNode fresh = memoryById(json(author, "recall"), id);
        assertEquals(a, fresh.get("updated_by").asText(), "a new memory was last changed by its author");
        assertTrue(ok(author.run("recall")).out().contains("Pin the driver  (" + a + ", just now)"));

        JsonNode updated = json(editor, "update-memory", String.valueOf(id), "--status", "resolved")
                .get("memory");
        assertEquals(a, updated.get("author").asText());
        assertEquals(e, updated.get("updated_by").asText());
        JsonNode recalled = memoryById(json(outsider, "recall", "--project", "ed-proj"), id);
        assertEquals(a, recalled.get("author").asText());
        assertEquals(e, recalled.get("updated_by").asText());
        assertEquals(
                e,
                memoryById(json(author, "recall", "--search", "driver"), id)
                        .get("updated_by")
                        .asText());
        String text = ok(author.run("recall")).out();
        assertTrue(
                text.contains("#" + id + " fix [resolved]: Pin the driver  (" + a + ", updated by " + e + " just now)"),
                text);
    }

    @Test
    void recallSearchIsFullTextWithStemmingAndRanking() {
        Cli a = shell("search", "/w/search");
        register(a, "search-proj");
        long once = json(
                        a,
                        "remember",
                        "--type",
                        "issue",
                        "--title",
                        "Connection pool notes",
                        "--content",
                        "Under load the pool deadlocks sometimes.")
                .get("memory")
                .get("id")
                .asLong();
        long strong = json(
                        a,
                        "remember",
                        "--type",
                        "gotcha",
                        "--title",
                        "Deadlock in the scheduler",
                        "--content",
                        "Deadlock after deadlock: the scheduler deadlocked twice today.")
                .get("memory")
                .get("id")
                .asLong();
        long unrelated = json(
                        a,
                        "remember",
                        "--type",
                        "fix",
                        "--title",
                        "Padding",
                        "--content",
                        "Fixed the padding of the header.")
                .get("memory")
                .get("id")
                .asLong();
        // Created last, so a plain newest-first order would put it first.
        long newest = json(
                        a,
                        "remember",
                        "--type",
                        "issue",
                        "--title",
                        "Misc",
                        "--content",
                        "One more deadlock seen in CI.")
                .get("memory")
                .get("id")
                .asLong();

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
        assertEquals(
                "no memories for search-proj\n",
                ok(a.run("recall", "--search", "kubernetes")).out());
        assertEquals(List.of(unrelated), ids(json(a, "recall", "--search", "padding header")));
        assertEquals(List.of(strong), ids(json(a, "recall", "--search", "deadlock", "--type", "gotcha")));

        JsonNode limited = json(a, "recall", "--search", "deadlock", "--limit", "1");
        assertEquals(List.of(strong), ids(limited));
        assertEquals(2, limited.get("more").asInt());
        Cli.Result text = ok(a.run("recall", "--search", "deadlock", "--limit", "1"));
        assertTrue(text.out().startsWith("#" + strong + " gotcha: Deadlock in the scheduler"), text.out());
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> titles(JsonNode doc) {
        return texts(doc.get("memories"), "title");
    }

    private static List<Long> ids(JsonNode doc) {
        List<Long> out = new ArrayList<>();
        doc.get("memories").forEach(m -> out.add(m.get("id").asLong()));
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
}
