package io.clambake;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.claude.HookPayload;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `clambake hook` fed the hook inputs of Claude Code sessions, event by event. */
class HookTest extends DatabaseTest {
    private static final Pattern MESSAGE_ID = Pattern.compile("^- #(\\d+) ", Pattern.MULTILINE);

    @TempDir
    Path temp;

    @Test
    void sessionStartRegistersPersistsTheNameAndBriefs() throws Exception {
        Cli other = shell("h1", "/work/s1/other");
        String peer = register(other, "demo");
        assertEquals(
                ExitCode.OK,
                other.run("heartbeat", "--task", "migrating orders").code());
        assertEquals(
                ExitCode.OK,
                other.run("send", "--to", "@all", "--type", "blocker", "--subject", "Editing docker-compose")
                        .code());
        assertEquals(
                ExitCode.OK,
                other.run(
                                "remember",
                                "--type",
                                "gotcha",
                                "--title",
                                "Orders lock",
                                "--content",
                                "ALTER on orders takes an exclusive lock")
                        .code());
        Path envFile = temp.resolve("env");
        Cli claude = shell("h1", "/work/s1/alpha").with("CLAUDE_ENV_FILE", envFile.toString());

        Cli.Result start = hook(claude, "session-start", "s1", "/work/s1/alpha");

        assertEquals(ExitCode.OK, start.code(), start::toString);
        assertEquals("", start.err());
        JsonNode output = start.json().get("hookSpecificOutput");
        assertEquals("SessionStart", output.get("hookEventName").asText());
        String context = output.get("additionalContext").asText();
        String me = nameOf(claude);
        assertEquals("export CLAMBAKE_INSTANCE=" + me + "\n", Files.readString(envFile));
        assertTrue(
                context.startsWith("Clambake (coordination between agent sessions): you are " + me + " (project demo"),
                context);
        assertTrue(context.contains(peer + " demo h1 /work/s1/other seen just now: migrating orders"), context);
        assertTrue(context.contains("Open blockers:\n- #"), context);
        assertTrue(context.contains("blocker from " + peer + " -> @all"), context);
        assertTrue(context.contains("Editing docker-compose"), context);
        assertTrue(context.contains("gotcha: Orders lock - ALTER on orders takes an exclusive lock"), context);
    }

    @Test
    void aBriefingWithEveryListOverflowingStaysCompact() {
        String longText = "x".repeat(400);
        for (int i = 0; i < 10; i++) {
            Cli peer = shell("h12", "/work/s12/peer-" + i + "-" + "d".repeat(30));
            register(peer, "wide");
            assertEquals(
                    ExitCode.OK,
                    peer.run("heartbeat", "--task", "task " + i + " " + longText)
                            .code());
            assertEquals(
                    ExitCode.OK,
                    peer.run("lease", "--resource", "resource-" + i, "--reason", "reason " + "q".repeat(300))
                            .code());
        }
        Cli sender = shell("h12", "/work/s12/peer-0-" + "d".repeat(30));
        for (int i = 0; i < 7; i++) {
            send(sender, "@project:wide", "blocker", "blocker " + i + " " + "s".repeat(150));
            assertEquals(
                    ExitCode.OK,
                    sender.run(
                                    "remember",
                                    "--type",
                                    "gotcha",
                                    "--title",
                                    "memory " + i + " " + "t".repeat(150),
                                    "--content",
                                    longText)
                            .code());
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(
                    ExitCode.OK,
                    sender.run(
                                    "remember",
                                    "--global",
                                    "--type",
                                    "lesson",
                                    "--title",
                                    "lesson " + i,
                                    "--content",
                                    longText)
                            .code());
        }
        Cli claude = shell("h12", "/work/s12/alpha");
        String start = payload("session-start", "s12", "/work/s12/alpha");
        assertEquals(
                ExitCode.OK,
                claude.runWithStdin(start, "hook", "--project", "wide").code());
        for (int i = 0; i < 10; i++) {
            send(sender, nameOf(claude), "warning", "warning " + i + " " + "w".repeat(150));
            send(claude, nameOf(sender), "request", "request " + i + " " + "r".repeat(150));
        }

        String briefing = context(claude.runWithStdin(
                payload("session-start-compact", "s12", "/work/s12/alpha"), "hook", "--project", "wide"));

        System.out.println("a briefing with every list at its cap: " + briefing.length() + " characters");
        assertTrue(briefing.length() < 8_000, briefing.length() + " characters:\n" + briefing);
        assertTrue(briefing.contains("+5 more (clambake leases)"), briefing);
        assertTrue(briefing.contains("Your requests and blockers no one has acknowledged yet:"), briefing);
        assertTrue(
                Pattern.compile("^\\+\\d+ more \\(clambake status\\)$", Pattern.MULTILINE)
                        .matcher(briefing)
                        .find(),
                briefing);
        assertTrue(
                briefing.contains("Unread messages, urgent first") && briefing.contains("+2 more (clambake inbox)"),
                briefing);
        assertTrue(briefing.contains("+2 more (clambake recall)"), briefing);
        assertTrue(briefing.lines().allMatch(line -> line.length() <= 400), briefing);
    }

    @Test
    void compactionAndResumeBriefAgainWithoutRegisteringTwice() throws Exception {
        Cli other = shell("h2", "/work/s2/other");
        register(other, "demo");
        Path envFile = temp.resolve("env");
        Cli claude = shell("h2", "/work/s2/alpha").with("CLAUDE_ENV_FILE", envFile.toString());
        String me = startSession(claude, "s2", "/work/s2/alpha");
        assertEquals(
                ExitCode.OK,
                claude.run("heartbeat", "--task", "rewriting the parser").code());
        assertEquals(
                ExitCode.OK,
                other.run("send", "--to", me, "--subject", "Parser owner", "--body", "ping me first")
                        .code());
        assertTrue(context(hook(claude, "user-prompt-submit", "s2", "/work/s2/alpha"))
                .contains("Parser owner"));
        JsonNode before = claude.run("status", "--json").json().get("instances");

        String compacted = context(hook(claude, "session-start-compact", "s2", "/work/s2/alpha"));
        String resumed = context(hook(claude, "session-start-resume", "s2", "/work/s2/alpha"));

        assertTrue(compacted.contains("you are " + me) && compacted.contains("Parser owner"), compacted);
        assertTrue(resumed.contains("you are " + me) && resumed.contains("Parser owner"), resumed);
        JsonNode after = claude.run("status", "--json").json().get("instances");
        assertEquals(before.size(), after.size());
        JsonNode mine = instance(after, me);
        assertEquals(instance(before, me).get("started_at"), mine.get("started_at"), "not registered again");
        assertEquals("rewriting the parser", mine.get("task").asText());
        assertEquals("export CLAMBAKE_INSTANCE=" + me + "\n", Files.readString(envFile), "the line is written once");
    }

    @Test
    void remindersShowEachNewMessageOnceUrgentFirst() {
        Cli other = shell("h3", "/work/s3/other");
        register(other, "demo");
        Cli claude = shell("h3", "/work/s3/alpha");
        String me = startSession(claude, "s3", "/work/s3/alpha");
        send(other, me, "info", "first note");

        String first = context(hook(claude, "user-prompt-submit", "s3", "/work/s3/alpha"));
        Cli.Result nothingNew = hook(claude, "user-prompt-submit", "s3", "/work/s3/alpha");
        send(other, me, "info", "second note");
        send(other, "@project:demo", "warning", "restarting postgres");
        String third = context(hook(claude, "user-prompt-submit", "s3", "/work/s3/alpha"));

        assertTrue(first.startsWith("Clambake: new message for " + me), first);
        assertTrue(first.contains("first note"), first);
        assertEquals(ExitCode.OK, nothingNew.code());
        assertEquals("", nothingNew.out(), "no new messages, no output at all");
        assertFalse(third.contains("first note"), third);
        assertTrue(third.indexOf("restarting postgres") < third.indexOf("second note"), "urgent first: " + third);
        assertTrue(third.contains("warning from ") && third.contains(" -> @project:demo"), third);
    }

    @Test
    void aCappedReminderNeverRepeatsAMessageAndTheRestFollowLater() {
        Cli other = shell("h4", "/work/s4/other");
        register(other, "demo");
        Cli claude = shell("h4", "/work/s4/alpha");
        String me = startSession(claude, "s4", "/work/s4/alpha");
        for (int i = 1; i <= 12; i++) {
            send(other, me, "info", "note " + i);
        }

        String first = context(hook(claude, "user-prompt-submit", "s4", "/work/s4/alpha"));
        List<Long> shown = new ArrayList<>(ids(first));
        for (int round = 0; round < 5; round++) {
            Cli.Result next = hook(claude, "user-prompt-submit", "s4", "/work/s4/alpha");
            if (next.out().isEmpty()) {
                break;
            }
            shown.addAll(ids(context(next)));
        }

        assertEquals(5, ids(first).size(), first);
        assertTrue(first.contains("+7 more (clambake inbox)"), first);
        assertEquals(12, shown.size(), shown::toString);
        assertEquals(12, new HashSet<>(shown).size(), "no message shown twice: " + shown);
    }

    @Test
    void postToolUseLooksForMessagesAtMostOncePerInterval() throws Exception {
        Cli other = shell("h5", "/work/s5/other");
        register(other, "demo");
        Cli claude = shell("h5", "/work/s5/alpha");
        String me = startSession(claude, "s5", "/work/s5/alpha");
        send(other, me, "info", "before the first tool");

        String firstTool = context(hook(claude, "post-tool-use", "s5", "/work/s5/alpha"));
        send(other, me, "blocker", "hands off the schema");
        Cli.Result tooSoon = hook(claude, "post-tool-use", "s5", "/work/s5/alpha");
        Thread.sleep(1_100);
        Cli.Result later = hook(claude, "post-tool-use", "s5", "/work/s5/alpha", "--tool-interval", "1s");

        JsonNode output = tooSoonOrLater(later);
        assertTrue(firstTool.contains("before the first tool"), firstTool);
        assertEquals(ExitCode.OK, tooSoon.code());
        assertEquals("", tooSoon.out(), "inside the 30s interval");
        assertEquals("PostToolUse", output.get("hookEventName").asText());
        assertTrue(output.get("additionalContext").asText().contains("hands off the schema"));
    }

    @Test
    void racingHooksOfOneSessionShowEveryMessageExactlyOnce() throws Exception {
        Cli other = shell("h6", "/work/s6/other");
        register(other, "demo");
        Cli claude = shell("h6", "/work/s6/alpha");
        String me = startSession(claude, "s6", "/work/s6/alpha");
        for (int i = 1; i <= 20; i++) {
            send(other, me, "info", "parallel " + i);
        }
        List<Long> shown = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Cli.Result>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(
                        () -> hook(claude, "post-tool-use", "s6", "/work/s6/alpha", "--tool-interval", "0s")));
            }
            for (Future<Cli.Result> result : results) {
                Cli.Result r = result.get();
                assertEquals(ExitCode.OK, r.code(), r::toString);
                if (!r.out().isEmpty()) {
                    shown.addAll(ids(context(r)));
                }
            }
        } finally {
            pool.shutdown();
        }
        for (int round = 0; round < 5; round++) {
            Cli.Result next = hook(claude, "user-prompt-submit", "s6", "/work/s6/alpha");
            if (!next.out().isEmpty()) {
                shown.addAll(ids(context(next)));
            }
        }

        assertEquals(20, new HashSet<>(shown).size(), shown::toString);
        assertEquals(20, shown.size(), "a message shown twice: " + shown);
    }

    @Test
    void twoSessionsInOneDirectoryShareTheInstanceUntilTheLastEnds() {
        Cli other = shell("h7", "/work/s7/other");
        register(other, "demo");
        Cli claude = shell("h7", "/work/s7/alpha");
        hook(claude, "session-start", "s7-a", "/work/s7/alpha");
        String second = context(hook(claude, "session-start", "s7-b", "/work/s7/alpha"));
        String me = nameOf(claude);
        send(other, me, "request", "review please");

        String remindA = context(hook(claude, "user-prompt-submit", "s7-a", "/work/s7/alpha"));
        String remindB = context(hook(claude, "user-prompt-submit", "s7-b", "/work/s7/alpha"));
        Cli.Result endA = hook(claude, "session-end", "s7-a", "/work/s7/alpha");
        boolean liveAfterA = live(other, me);
        Cli.Result endB = hook(claude, "session-end", "s7-b", "/work/s7/alpha");

        assertTrue(second.contains("you are " + me) && second.contains("1 other open session"), second);
        assertTrue(remindA.contains("review please") && remindB.contains("review please"), "each session is told once");
        assertEquals("", endA.out() + endB.out());
        assertTrue(liveAfterA, "still registered while the other session runs");
        assertFalse(live(other, me), "deregistered when the last session ended");
        String again = context(hook(claude, "session-start", "s7-c", "/work/s7/alpha"));
        assertTrue(again.contains("you are " + me), "a new session gets the same name back: " + again);
    }

    @Test
    void aPromptWithoutASessionStartRegistersAndBriefs() {
        Cli claude = shell("h8", "/work/s8/alpha");

        String context = context(hook(claude, "user-prompt-submit", "s8", "/work/s8/alpha"));

        String me = nameOf(claude);
        assertTrue(context.contains("you are " + me + " (project demo"), context);
        assertTrue(context.contains("clambake commands run in this directory act as " + me), context);
    }

    @Test
    void projectDefaultsToTheGitRepositoryName() throws Exception {
        Path repo = temp.resolve("shop-service");
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(repo.resolve("src/main"));
        Cli claude = shell("h9", repo.resolve("src/main").toString());

        Cli.Result start = claude.runWithStdin(
                payload("session-start", "s9", repo.resolve("src/main").toString()), "hook");

        assertTrue(context(start).contains("(project shop-service,"), start::toString);
    }

    @Test
    void aDatabaseThatIsDownCostsOneLineAndNeverFailsTheSession() {
        Cli down = Cli.shell(db, "h10", "/work/s10/alpha")
                .with("CLAMBAKE_DB_URL", "postgresql://postgres@127.0.0.1:1/nowhere");

        Cli.Result start = hook(down, "session-start", "s10", "/work/s10/alpha");
        Cli.Result prompt = hook(down, "user-prompt-submit", "s10", "/work/s10/alpha");
        Cli.Result tool = hook(down, "post-tool-use", "s10", "/work/s10/alpha");
        Cli.Result end = hook(down, "session-end", "s10", "/work/s10/alpha");

        for (Cli.Result r : List.of(start, prompt, tool, end)) {
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().startsWith("clambake hook: cannot use PostgreSQL at 127.0.0.1:1/nowhere"), r::toString);
        }
        String context = context(start);
        assertEquals(1, context.lines().count(), context);
        assertTrue(context.startsWith("Clambake (coordination between agent sessions) is unavailable: "), context);
        assertEquals("", prompt.out() + tool.out() + end.out());
    }

    @Test
    void anEnvFileItCannotWriteCostsOnlyTheVariable() throws Exception {
        Path notAFile = Files.createDirectories(temp.resolve("a-directory"));
        Cli claude = shell("h13", "/work/s13/alpha").with("CLAUDE_ENV_FILE", notAFile.toString());

        Cli.Result start = hook(claude, "session-start", "s13", "/work/s13/alpha");

        String me = nameOf(claude);
        assertTrue(context(start).contains("clambake commands run in this directory act as " + me), start::toString);
        assertTrue(start.err().startsWith("clambake hook: cannot write CLAUDE_ENV_FILE " + notAFile), start.err());
    }

    @Test
    void otherEventsAndBadInputAnswerNothingAndExitZero() {
        Cli claude = shell("h11", "/work/s11/alpha");

        Cli.Result preToolUse = hook(claude, "pre-tool-use", "s11", "/work/s11/alpha");
        Cli.Result garbage = claude.runWithStdin("this is not json", "hook");
        Cli.Result noSession = claude.runWithStdin("{\"hook_event_name\": \"UserPromptSubmit\"}", "hook");
        Map<String, String> badInputs = new LinkedHashMap<>();
        badInputs.put(
                "this is not json", "is not valid JSON (line 1, column 1: unexpected 'this' where a value should be)");
        badInputs.put("", "is empty (Claude Code sends a JSON object)");
        badInputs.put(
                "{\"hook_event_name\": \"Stop\",\n \"session_id\": ",
                "is not valid JSON (line 2, column 16: the text ends");
        badInputs.put(
                "{\"session_id\": \"s\" \"cwd\": \"/\"}",
                "is not valid JSON (line 1, column 20: unexpected '\"' where a comma");
        badInputs.put("[\"SessionStart\"]", "is not a JSON object");
        badInputs.put("{\"session_id\": \"s11\"}", "has no hook_event_name");

        assertEquals(
                List.of(ExitCode.OK, ExitCode.OK, ExitCode.OK),
                List.of(preToolUse.code(), garbage.code(), noSession.code()));
        assertEquals("", preToolUse.out() + garbage.out() + noSession.out());
        for (var bad : badInputs.entrySet()) {
            Cli.Result result = claude.runWithStdin(bad.getKey(), "hook");
            assertEquals(ExitCode.OK, result.code(), result::toString);
            assertEquals("", result.out());
            assertEquals(1, result.err().lines().count(), result::toString);
            assertTrue(
                    result.err().startsWith("clambake hook: the hook input on stdin " + bad.getValue()), result.err());
            assertFalse(result.err().contains("Source") || result.err().contains("code "), result.err());
        }
        assertTrue(noSession.err().contains("no session_id"), noSession.err());
        assertTrue(claude.run("status", "--json").json().get("me").isNull(), "nothing registered");
    }

    @Test
    void aForkedSessionStartsAfreshWhileResumeAndCompactionContinue() {
        for (String source : List.of("startup", "clear", "fork")) {
            assertFalse(
                    new HookPayload("SessionStart", "s", "/", source, null, null, null).continuesConversation(),
                    source);
        }
        for (String source : List.of("resume", "compact")) {
            assertTrue(
                    new HookPayload("SessionStart", "s", "/", source, null, null, null).continuesConversation(),
                    source);
        }
    }

    @Test
    void hookInputThatIsNotUtf8IsSaidSo() {
        byte[] latin1 =
                "{\"hook_event_name\": \"Stop\", \"cwd\": \"/caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        IOException refused = assertThrows(IOException.class, () -> HookPayload.read(new ByteArrayInputStream(latin1)));
        assertEquals("the hook input on stdin is not valid UTF-8", refused.getMessage());
    }

    private static Cli.Result hook(Cli shell, String payload, String session, String cwd, String... options) {
        List<String> args = new ArrayList<>(List.of("hook", "--project", "demo"));
        args.addAll(List.of(options));
        return shell.runWithStdin(payload(payload, session, cwd), args.toArray(String[]::new));
    }

    /** Starts session {@code session} in {@code cwd} through the SessionStart hook; returns the instance it runs as. */
    private static String startSession(Cli claude, String session, String cwd) {
        hook(claude, "session-start", session, cwd);
        return nameOf(claude);
    }

    private static String context(Cli.Result result) {
        assertEquals(ExitCode.OK, result.code(), result::toString);
        return result.json().get("hookSpecificOutput").get("additionalContext").asText();
    }

    private static JsonNode tooSoonOrLater(Cli.Result result) {
        assertEquals(ExitCode.OK, result.code(), result::toString);
        return result.json().get("hookSpecificOutput");
    }

    /** The instance the shell's host and directory resolve to, as a session's own commands would. */
    private static String nameOf(Cli shell) {
        JsonNode me = shell.run("status", "--json").json().get("me");
        assertFalse(me == null || me.isNull(), "nobody registered for this shell");
        return me.asText();
    }

    private static void send(Cli from, String to, String type, String subject) {
        Cli.Result sent = from.run("send", "--to", to, "--type", type, "--subject", subject, "--body", "details");
        assertEquals(ExitCode.OK, sent.code(), sent::toString);
    }

    private static JsonNode instance(JsonNode instances, String name) {
        for (JsonNode i : instances) {
            if (i.get("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name + " not in " + instances);
    }

    private static boolean live(Cli shell, String name) {
        for (JsonNode i : shell.run("status", "--json").json().get("instances")) {
            if (i.get("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Set<Long> ids(String context) {
        Set<Long> ids = new HashSet<>();
        Matcher m = MESSAGE_ID.matcher(context);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }
}
