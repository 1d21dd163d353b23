package io.clambake;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.domain.ExitCode;
import io.clambake.support.DatabaseTest;
import io.clambake.support.Jar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh repository set up by the built jar's `init`, then one Claude Code session's hooks run
 * exactly as Claude Code runs them: the command line from .claude/settings.json, through `sh -c`.
 */
class ClaudeCodeSessionIT extends DatabaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void initThenOneSessionsHooksRegisterBriefRemindAndDeregister() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("shop"));
        Files.createDirectories(repo.resolve(".git"));
        Path peerDir = Files.createDirectories(temp.resolve("peer"));
        Path envFile = temp.resolve("claude-env");
        assertEquals(ExitCode.OK, clambake(repo, "init").code());
        JsonNode hooks =
                JSON.readTree(repo.resolve(".claude/settings.json").toFile()).get("hooks");
        String command = hooks.at("/SessionStart/0/hooks/0/command").asText();
        for (String event : List.of("UserPromptSubmit", "PostToolUse", "SessionEnd")) {
            assertEquals(command, hooks.at("/" + event + "/0/hooks/0/command").asText(), event);
        }
        assertTrue(command.contains("clambake") && command.endsWith(" hook --project shop"), command);
        assertTrue(command.startsWith("bash /"), () -> "bin/clambake beside the jar, run by bash: " + command);
        assertEquals(
                ExitCode.OK, clambake(peerDir, "register", "--project", "shop").code());
        String peer = clambake(peerDir, "status", "--json").json().get("me").asText();
        assertEquals(
                ExitCode.OK,
                clambake(peerDir, "heartbeat", "--task", "reindexing search").code());

        Jar.Result start = hook(command, repo, "session-start", envFile);
        String me = Files.readString(envFile).strip().replace("export CLAMBAKE_INSTANCE=", "");
        String briefing = context(start, "SessionStart");
        assertEquals(
                ExitCode.OK,
                clambake(
                                peerDir,
                                "send",
                                "--to",
                                "@project:shop",
                                "--type",
                                "warning",
                                "--subject",
                                "Rebuilding the search index")
                        .code());
        String reminder = context(hook(command, repo, "user-prompt-submit", envFile), "UserPromptSubmit");
        Jar.Result toolUse = hook(command, repo, "post-tool-use", envFile);
        boolean liveBeforeEnd =
                clambake(repo, "status", "--json").json().get("me").asText().equals(me);
        Jar.Result end = hook(command, repo, "session-end", envFile);

        assertTrue(briefing.contains("you are " + me + " (project shop"), briefing);
        assertTrue(briefing.contains(peer + " shop it-host " + peerDir), briefing);
        assertTrue(briefing.contains("reindexing search"), briefing);
        assertTrue(reminder.contains("warning from " + peer + " -> @project:shop"), reminder);
        assertTrue(reminder.contains("Rebuilding the search index"), reminder);
        assertEquals(ExitCode.OK, toolUse.code(), toolUse::toString);
        assertEquals("", toolUse.out(), "already shown, nothing new");
        assertTrue(liveBeforeEnd);
        assertEquals(ExitCode.OK, end.code(), end::toString);
        assertEquals("", end.out() + end.err());
        assertTrue(clambake(repo, "status", "--json").json().get("me").isNull(), "deregistered at session end");
    }

    @Test
    void aHookAgainstADatabaseThatIsDownExitsZeroAtOnce() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("down"));
        Map<String, String> env = env(temp.resolve("env-down"));
        env.put("CLAMBAKE_DB_URL", "postgresql://postgres@127.0.0.1:1/nowhere");

        Jar.Result start = Jar.run(
                Jar.command("hook", "--project", "down"),
                repo,
                env,
                payload("session-start", "it-down", repo.toString()));
        Jar.Result tool = Jar.run(
                Jar.command("hook", "--project", "down"),
                repo,
                env,
                payload("post-tool-use", "it-down", repo.toString()));

        System.out.println("hook with the database down: SessionStart " + start.millis() + " ms, PostToolUse "
                + tool.millis() + " ms");
        assertEquals(ExitCode.OK, start.code(), start::toString);
        assertTrue(
                JSON.readTree(start.out())
                        .at("/hookSpecificOutput/additionalContext")
                        .asText()
                        .contains("is unavailable: cannot use PostgreSQL at 127.0.0.1:1/nowhere"),
                start::toString);
        assertEquals(ExitCode.OK, tool.code(), tool::toString);
        assertEquals("", tool.out());
        assertEquals(1, tool.err().lines().count(), tool::toString);
    }

    private Jar.Result hook(String command, Path repo, String payload, Path envFile) {
        Jar.Result result = Jar.run(
                List.of("sh", "-c", command), repo, env(envFile), payload(payload, "it-session", repo.toString()));
        assertEquals(ExitCode.OK, result.code(), result::toString);
        return result;
    }

    private static String context(Jar.Result result, String event) throws Exception {
        JsonNode output = JSON.readTree(result.out()).get("hookSpecificOutput");
        assertEquals(event, output.get("hookEventName").asText(), result::toString);
        return output.get("additionalContext").asText();
    }

    private Cli clambake(Path dir, String... args) {
        return new Cli(Jar.run(Jar.command(args), dir, env(temp.resolve("unused")), ""));
    }

    /** A jar run's result, with its stdout as JSON. */
    private record Cli(Jar.Result result) {
        int code() {
            return result.code();
        }

        JsonNode json() throws Exception {
            return JSON.readTree(result.out());
        }
    }

    private Map<String, String> env(Path envFile) {
        Map<String, String> env = new HashMap<>();
        env.put("CLAMBAKE_DB_URL", db.url());
        env.put("CLAMBAKE_HOST", "it-host");
        env.put("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        env.put("CLAUDE_ENV_FILE", envFile.toString());
        // the one-command path, and no resident process of the developer's started by a test
        env.put("CLAMBAKE_RESIDENT", "off");
        return env;
    }
}
