package io.clambake;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.Jar;
import io.clambake.support.McpClients;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identity with real processes: racing registrations, live host names, and Claude Code's MCP server. */
class IdentityIT extends DatabaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** Issue 9, item 7: ten processes asking for ten names in one directory. */
    @Test
    void tenRacingProcessesWithTheirOwnNamesAreNeverToldANameThatIsGone() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("race"));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Jar.Result> results = new ArrayList<>();
        try {
            List<Future<Jar.Result>> running = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                List<String> command = Jar.command("register", "--project", "race", "--name", "racer-" + i);
                running.add(pool.submit(() -> Jar.run(command, dir, env("it-race"), "")));
            }
            for (Future<Jar.Result> r : running) {
                results.add(r.get());
            }
        } finally {
            pool.shutdown();
        }

        String live = json(Jar.run(Jar.command("status", "--json"), dir, env("it-race"), ""))
                .get("me")
                .asText();
        int succeeded = 0;
        for (Jar.Result r : results) {
            if (r.code() == ExitCode.OK) {
                succeeded++;
                assertEquals(live, r.out().lines().findFirst().orElseThrow(), "told a name that is gone: " + r);
            } else {
                assertEquals(ExitCode.USAGE, r.code(), r::toString);
                assertTrue(r.err().contains(live), r::toString);
            }
        }
        assertEquals(1, succeeded, results::toString);
        assertEquals(1, count("SELECT count(*) FROM instances WHERE host = 'it-race'"));
    }

    /**
     * Issue 14, item 1: two "machines" made with UTS namespaces share /etc/hostname and every
     * file, and differ only in their live host names; HOSTNAME in their environment is stale.
     */
    @Test
    void twoLiveHostNamesSharingOneEtcHostnameAreTwoInstances() throws Exception {
        assertTrue(
                ProcessHandle.current().info().user().orElse("").equals("root")
                        && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "this test needs root and unshare(1) (util-linux) to give a process its own host name");
        Path dir = Files.createDirectories(temp.resolve("hosts"));
        Map<String, String> env = env(null);
        env.put("HOSTNAME", "stale-hostname-variable");

        JsonNode a = json(onHost("it-live-a", dir, env, "register", "--project", "hosts", "--json"));
        JsonNode b = json(onHost("it-live-b", dir, env, "register", "--project", "hosts", "--json"));
        JsonNode statusA = json(onHost("it-live-a", dir, env, "status", "--json"));

        assertEquals("it-live-a", a.at("/instance/host").asText(), a.toString());
        assertEquals("it-live-b", b.at("/instance/host").asText(), b.toString());
        assertNotEquals(a.at("/instance/name").asText(), b.at("/instance/name").asText());
        assertFalse(b.get("revived").asBoolean(), "b did not revive a's instance");
        assertEquals(a.at("/instance/name").asText(), statusA.get("me").asText());
        assertEquals(2, statusA.get("instances").size(), statusA.toString());
    }

    /**
     * Issue 9, item 24: Claude Code's MCP server runs with CLAUDE_CODE_SESSION_ID and is a child
     * of Claude Code (whose pid hooks see as CLAUDE_PID). Here this JVM plays Claude Code: the
     * server is its child, and the hooks it runs get its pid.
     */
    @Test
    void theMcpServerOfAClaudeCodeSessionIsPartOfThatSession() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("shop"));
        String claudePid = String.valueOf(ProcessHandle.current().pid());
        Cli hooks = Cli.shell(db, "it-mcp", repo.toString()).with("CLAUDE_PID", claudePid);
        // The server (its own process) and the hooks (in this one) are one machine.

        // The server starts before the SessionStart hook gets through.
        McpSyncClient server = client(repo, "cc-session-1");
        try {
            server.initialize();
            String me = call(server, "status").get("me").asText();

            String briefing = context(hook(hooks, "session-start", "cc-session-1", repo));
            assertTrue(briefing.contains("you are " + me + " "), briefing);
            assertFalse(briefing.contains("other open session"), briefing);

            // /clear: the hooks get a new session id, the server keeps the old one.
            call(server, "heartbeat", Map.of("task", "before the clear"));
            hook(hooks, "session-end", "cc-session-1", repo);
            assertEquals(me, call(server, "status").get("me").asText(), "still registered");
            String cleared = context(hook(hooks, "session-start", "cc-session-2", repo, "clear"));
            assertTrue(cleared.contains("you are " + me + " "), cleared);
            assertFalse(cleared.contains("other open session"), cleared);
            assertTrue(
                    call(server, "heartbeat", Map.of()).at("/instance/task").isNull(),
                    "the new conversation starts afresh");
            call(server, "heartbeat", Map.of("task", "after the clear"));

            // Another Claude Code session in the same directory counts this one once.
            Cli otherClaude = hooks.with("CLAUDE_PID", "1");
            String other = context(hook(otherClaude, "session-start", "cc-other", repo));
            assertTrue(other.contains("you are " + me + " "), other);
            assertTrue(other.contains("1 other open session in this directory shares"), other);
            hook(otherClaude, "session-end", "cc-other", repo);

            // An MCP client that is not Claude Code (no CLAUDE_CODE_SESSION_ID) still works.
            McpSyncClient plain = client(repo, null);
            try {
                plain.initialize();
                assertEquals(me, call(plain, "status").get("me").asText());
                assertEquals(
                        "after the clear",
                        call(plain, "heartbeat", Map.of()).at("/instance/task").asText(),
                        "a server joining a held instance does not start it afresh");
            } finally {
                plain.closeGracefully();
            }
        } finally {
            server.closeGracefully();
        }
        hook(hooks, "session-end", "cc-session-2", repo);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (count("SELECT count(*) FROM instances WHERE host = 'it-mcp' AND left_at IS NULL") > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(
                0,
                count("SELECT count(*) FROM instances WHERE host = 'it-mcp' AND left_at IS NULL"),
                "deregistered at the end");
    }

    private Jar.Result onHost(String host, Path dir, Map<String, String> env, String... args) {
        List<String> command =
                new ArrayList<>(List.of("unshare", "--uts", "sh", "-c", "hostname \"$0\" && exec \"$@\"", host));
        command.addAll(Jar.command(args));
        return Jar.run(command, dir, env, "");
    }

    private static Cli.Result hook(Cli shell, String event, String sessionId, Path cwd) {
        return hook(shell, event, sessionId, cwd, null);
    }

    private static Cli.Result hook(Cli shell, String event, String sessionId, Path cwd, String source) {
        String input = payload(event, sessionId, cwd.toString());
        if (source != null) {
            input = input.replace("\"startup\"", "\"" + source + "\"");
        }
        Cli.Result r = shell.runWithStdin(input, "hook", "--project", "shop");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        return r;
    }

    private static String context(Cli.Result r) {
        return r.json().at("/hookSpecificOutput/additionalContext").asText();
    }

    private McpSyncClient client(Path dir, String claudeSession) {
        Map<String, String> env = env("it-mcp");
        env.put("CLAMBAKE_MACHINE_ID", "test-machine");
        if (claudeSession != null) {
            env.put("CLAUDE_CODE_SESSION_ID", claudeSession);
        }
        return McpClients.client(Jar.command("mcp", "--project", "shop", "--dir", dir.toString()), env);
    }

    private static JsonNode call(McpSyncClient client, String tool) throws Exception {
        return McpClients.call(client, tool, Map.of());
    }

    private static JsonNode call(McpSyncClient client, String tool, Map<String, Object> arguments) throws Exception {
        return McpClients.call(client, tool, arguments);
    }

    private static JsonNode json(Jar.Result r) throws Exception {
        assertEquals(ExitCode.OK, r.code(), r::toString);
        return JSON.readTree(r.out());
    }

    /** The environment of a jar run: this test's database, and {@code host} unless null (the live host name). */
    private Map<String, String> env(String host) {
        Map<String, String> env = new HashMap<>();
        env.put("CLAMBAKE_DB_URL", db.url());
        if (host != null) {
            env.put("CLAMBAKE_HOST", host);
        }
        env.put("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        env.put("CLAMBAKE_HOME", Cli.UNUSABLE_HOME);
        return env;
    }
}
