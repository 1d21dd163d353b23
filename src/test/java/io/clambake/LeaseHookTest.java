package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PreToolUse hook before a file edit (deny under another's exclusive lease, warn of another's
 * recent edit, else nothing, never "allow") and the edits PostToolUse records, fed the hook
 * inputs Claude Code sends: two sessions in two clones of one repository on two hosts.
 */
class LeaseHookTest extends DatabaseTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path temp;

    private Path cloneA;
    private Path cloneB;

    @BeforeAll
    void clones() throws Exception {
        cloneA = Files.createDirectories(temp.resolve("a/shop"));
        cloneB = Files.createDirectories(temp.resolve("elsewhere/shop-b"));
        Files.createDirectories(cloneA.resolve(".git"));
        Files.createDirectories(cloneB.resolve(".git"));
    }

    private static String payload(String event, String session, Path cwd, String tool, String file) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("session_id", session);
        p.put("transcript_path", "/tmp/x.jsonl");
        p.put("cwd", cwd.toString());
        p.put("permission_mode", "default");
        p.put("hook_event_name", event);
        if (event.equals("SessionStart")) {
            p.put("source", "startup");
        }
        if (tool != null) {
            p.put("tool_name", tool);
            ObjectNode input = p.putObject("tool_input");
            input.put(tool.equals("NotebookEdit") ? "notebook_path" : "file_path", file);
            input.put("old_string", "a");
            input.put("new_string", "b");
            p.put("tool_use_id", "toolu_1");
        }
        return p.toString();
    }

    /** One Claude Code session: its hooks and its shell commands. */
    private record Session(Cli shell, String id, Path dir, String name) {
        Cli.Result hook(String event, String tool, String file, String... options) {
            String[] args = new String[3 + options.length];
            args[0] = "hook";
            args[1] = "--project";
            args[2] = "hooks";
            System.arraycopy(options, 0, args, 3, options.length);
            Cli.Result r = shell.runWithStdin(payload(event, id, dir, tool, file), args);
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertFalse(r.out().contains("\"allow\""), "never allow: " + r);
            return r;
        }

        Cli.Result beforeEdit(String file, String... options) {
            return hook("PreToolUse", "Edit", dir.resolve(file).toString(), options);
        }
    }

    private Session start(String host, Path dir, String id) {
        Cli shell = shell(host, dir.toString());
        Cli.Result started =
                shell.runWithStdin(payload("SessionStart", id, dir, null, null), "hook", "--project", "hooks");
        assertEquals(ExitCode.OK, started.code(), started::toString);
        String name = json(shell, "status").get("me").asText();
        return new Session(shell, id, dir, name);
    }

    @Test
    void anEditUnderAnothersExclusiveLeaseIsDeniedWithWhatToDo() {
        Session a = start("hook-a", cloneA, "deny-a");
        Session b = start("hook-b", cloneB, "deny-b");
        ok(a.shell().run("heartbeat", "--task", "rewriting the app"));
        ok(a.shell().run("lease", "src/app.py", "--reason", "new router"));

        Cli.Result denied = b.beforeEdit("src/app.py");
        JsonNode out = denied.json().get("hookSpecificOutput");
        assertTrue(out != null, denied::toString);
        assertEquals("PreToolUse", out.get("hookEventName").asText());
        assertEquals("deny", out.get("permissionDecision").asText());
        String reason = out.get("permissionDecisionReason").asText();
        for (String part : new String[] {
            "src/app.py is held by " + a.name(),
            "rewriting the app",
            "new router",
            "until ",
            "clambake send --to " + a.name(),
            "clambake lease 'src/app.py' --wait "
        }) {
            assertTrue(reason.contains(part), part + " in " + reason);
        }
        // The holder itself, other files, other tools: nothing at all.
        assertEquals("", a.beforeEdit("src/app.py").out());
        assertEquals("", b.beforeEdit("src/other.py").out());
        assertEquals("", b.hook("PreToolUse", "Bash", null).out());
        assertEquals(
                "",
                b.hook("PreToolUse", "Write", "/outside/the/repo/src/app.py").out());
        assertEquals(
                "deny",
                b.hook("PreToolUse", "Write", cloneB.resolve("src/app.py").toString())
                        .json()
                        .get("hookSpecificOutput")
                        .get("permissionDecision")
                        .asText());

        ok(a.shell().run("release", "src/app.py"));
        assertEquals("", b.beforeEdit("src/app.py").out());
    }

    @Test
    void aGlobOrDirectoryLeaseDeniesTheFilesItCovers() {
        Session a = start("hook-a", cloneA.resolve("sub"), "glob-a");
        Session b = start("hook-b", cloneB, "glob-b");
        ok(a.shell().run("lease", "../nb/*.ipynb", "../docs"));
        assertEquals(
                "deny",
                b.hook(
                                "PreToolUse",
                                "NotebookEdit",
                                cloneB.resolve("nb/x.ipynb").toString())
                        .json()
                        .get("hookSpecificOutput")
                        .get("permissionDecision")
                        .asText());
        assertEquals(
                "",
                b.hook(
                                "PreToolUse",
                                "NotebookEdit",
                                cloneB.resolve("nb/deep/x.ipynb").toString())
                        .out());
        assertTrue(b.beforeEdit("docs/guide/intro.md").out().contains("\"deny\""));
        assertEquals("", b.beforeEdit("docsx/intro.md").out());
    }

    @Test
    void aSharedLeaseDeniesNothing() {
        Session a = start("hook-a", cloneA, "shared-a");
        Session b = start("hook-b", cloneB, "shared-b");
        ok(a.shell().run("lease", "shared.txt", "--shared"));
        assertEquals("", b.beforeEdit("shared.txt").out());
    }

    @Test
    void anotherInstancesRecentEditIsAWarningNotADenial() {
        Session a = start("hook-a", cloneA, "warn-a");
        Session b = start("hook-b", cloneB, "warn-b");
        ok(a.shell().run("heartbeat", "--task", "tuning queries"));
        assertEquals("", b.beforeEdit("src/db.py").out());
        a.hook("PostToolUse", "Edit", cloneA.resolve("src/db.py").toString());

        JsonNode out = b.beforeEdit("src/db.py").json().get("hookSpecificOutput");
        assertEquals("PreToolUse", out.get("hookEventName").asText());
        assertFalse(out.has("permissionDecision"), out.toString());
        String warning = out.get("additionalContext").asText();
        assertTrue(warning.contains(a.name() + " (host hook-a, task: tuning queries) edited src/db.py"), warning);
        assertTrue(warning.contains("clambake lease 'src/db.py'"), warning);
        assertEquals("", a.beforeEdit("src/db.py").out(), "one's own edits are no warning");
        assertEquals("", b.beforeEdit("src/db.py", "--edit-window", "0s").out());
        assertEquals("", b.beforeEdit("src/other.py").out());
    }

    @Test
    void sessionEndEndsTheLeases() throws Exception {
        Session a = start("hook-a", cloneA, "end-a");
        Session b = start("hook-b", cloneB, "end-b");
        ok(a.shell().run("lease", "end.txt"));
        assertTrue(b.beforeEdit("end.txt").out().contains("\"deny\""));
        a.hook("SessionEnd", null, null);
        assertEquals(0, count("SELECT count(*) FROM leases WHERE target = 'end.txt'"));
        assertEquals("", b.beforeEdit("end.txt").out());
    }

    @Test
    void anUnreachableDatabaseLetsTheEditThrough() {
        Session b = start("hook-b", cloneB, "down-b");
        Cli down = b.shell().with("CLAMBAKE_DB_URL", "postgresql://postgres@127.0.0.1:1/nothing");
        Cli.Result r = down.runWithStdin(
                payload(
                        "PreToolUse",
                        "down-b",
                        cloneB,
                        "Edit",
                        cloneB.resolve("x").toString()),
                "hook");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("clambake hook: "), r.toString());
    }
}
