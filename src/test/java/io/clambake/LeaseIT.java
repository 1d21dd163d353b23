package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.ChildEnvironment;
import io.clambake.support.DatabaseTest;
import io.clambake.support.Jar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", with the packaged jar, the real git and separate processes: two clones
 * of one repository at different paths, two instances on two hosts. The first leases src/app.py;
 * the second's lease exits 6 naming it, its PreToolUse hook for an Edit of the file is denied
 * naming it, and its git commit of the file is refused by the pre-commit guard init installed.
 * After release all three go through.
 */
class LeaseIT extends DatabaseTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path temp;

    private Map<String, String> env(String host) {
        return Map.of("CLAMBAKE_DB_URL", db.url(), "CLAMBAKE_HOST", host, "CLAMBAKE_MACHINE_ID", "machine-" + host);
    }

    private Jar.Result clambake(Path dir, String host, String stdin, String... args) {
        return Jar.run(Jar.command(args), dir, env(host), stdin);
    }

    private Jar.Result git(Path dir, String host, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        ChildEnvironment.isolate(builder.environment()).putAll(env(host));
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.redirectErrorStream(true);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Jar.Result(p.exitValue(), out, "", 0);
    }

    private static Jar.Result ok(Jar.Result r) {
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    private static String edit(String session, Path cwd, Path file) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("session_id", session);
        p.put("cwd", cwd.toString());
        p.put("hook_event_name", "PreToolUse");
        p.put("tool_name", "Edit");
        p.putObject("tool_input")
                .put("file_path", file.toString())
                .put("old_string", "v1")
                .put("new_string", "v2");
        return p.toString();
    }

    /**
     * Twenty separate JVMs on four host names race for one file, twice (the in-process race in
     * LeaseTest repeats it fifteen times with threads): exactly one wins, the others exit 6.
     */
    @Test
    void twentyProcessesOnFourHostsRaceAndExactlyOneWins() throws Exception {
        int racers = 20;
        List<Path> dirs = new ArrayList<>();
        for (int t = 0; t < racers; t++) {
            Path dir = Files.createDirectories(temp.resolve("racers/r" + t));
            ok(clambake(dir, "race-" + (t % 4), "", "register", "--project", "race"));
            dirs.add(dir);
        }
        for (int round = 0; round < 2; round++) {
            List<Process> processes = new ArrayList<>();
            for (int t = 0; t < racers; t++) {
                ProcessBuilder builder = new ProcessBuilder(Jar.command("lease", "contended-" + round + ".txt"))
                        .directory(dirs.get(t).toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                ChildEnvironment.isolate(builder.environment()).putAll(env("race-" + (t % 4)));
                processes.add(builder.start());
            }
            List<Integer> codes = new ArrayList<>();
            for (Process p : processes) {
                p.getOutputStream().close();
                assertTrue(p.waitFor(180, TimeUnit.SECONDS), "a racer did not finish");
                codes.add(p.exitValue());
            }
            assertEquals(1, codes.stream().filter(c -> c == 0).count(), "round " + round + ": " + codes);
            assertEquals(
                    racers - 1, codes.stream().filter(c -> c == ExitCode.HELD).count(), codes.toString());
        }
    }

    @Test
    void twoClonesOnTwoHostsTheLeaseHoldsAtTheLeaseTheEditAndTheCommitUntilReleased() throws Exception {
        Path origin = Files.createDirectories(temp.resolve("origin"));
        ok(git(origin, "a", "init", "-q", "-b", "main"));
        Files.createDirectories(origin.resolve("src"));
        Files.writeString(origin.resolve("src/app.py"), "print('v1')\n");
        ok(git(origin, "a", "add", "."));
        ok(git(origin, "a", "commit", "-q", "-m", "first"));
        Path one = Files.createDirectories(temp.resolve("alice/work"));
        Path two = Files.createDirectories(temp.resolve("bob/src/elsewhere"));
        ok(git(one, "a", "clone", "-q", origin.toString(), "shop"));
        ok(git(two, "b", "clone", "-q", origin.toString(), "shop-clone"));
        one = one.resolve("shop");
        two = two.resolve("shop-clone");

        String a = ok(clambake(one, "host-a", "", "register", "--project", "shop"))
                .out()
                .lines()
                .findFirst()
                .orElseThrow();
        ok(clambake(two, "host-b", "", "register", "--project", "shop"));
        String launcher = Jar.java() + " -jar " + Jar.PATH;
        ok(clambake(two, "host-b", "", "init", "--project", "shop", "--launcher", launcher));
        String bStart = "{\"session_id\":\"it-b\",\"cwd\":\"" + two + "\",\"hook_event_name\":\"SessionStart\","
                + "\"source\":\"startup\"}";
        ok(clambake(two, "host-b", bStart, "hook", "--project", "shop"));

        ok(clambake(one, "host-a", "", "lease", "src/app.py", "--reason", "router rewrite"));

        Jar.Result leased = clambake(two, "host-b", "", "lease", "src/app.py", "--json");
        assertEquals(ExitCode.HELD, leased.code(), leased::toString);
        assertEquals(a, MAPPER.readTree(leased.out()).at("/error/holder").asText());

        Path file = two.resolve("src/app.py");
        Jar.Result hook = ok(clambake(two, "host-b", edit("it-b", two, file), "hook", "--project", "shop"));
        JsonNode out = MAPPER.readTree(hook.out()).get("hookSpecificOutput");
        assertEquals("deny", out.get("permissionDecision").asText(), hook::toString);
        assertTrue(out.get("permissionDecisionReason").asText().contains("held by " + a), hook::toString);

        Files.writeString(file, "print('v2')\n");
        ok(git(two, "b", "add", "src/app.py"));
        Jar.Result refused = git(two, "b", "commit", "-q", "-m", "second");
        assertEquals(1, refused.code(), refused::toString); // git's own code for a refused pre-commit hook
        assertEquals("first", git(two, "b", "log", "-1", "--format=%s").out().strip());
        assertTrue(refused.out().contains("commit refused: src/app.py is held by " + a), refused::toString);

        ok(clambake(one, "host-a", "", "release", "src/app.py"));

        ok(clambake(two, "host-b", "", "lease", "src/app.py"));
        ok(clambake(two, "host-b", "", "release", "--all"));
        assertEquals(
                "",
                ok(clambake(two, "host-b", edit("it-b", two, file), "hook", "--project", "shop"))
                        .out());
        ok(git(two, "b", "commit", "-q", "-m", "second"));
    }
}
