package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git side of leases, with the real git: the guard verb on staged files in two clones of one
 * repository at different paths on two hosts, and the pre-commit hook init installs (chained
 * with the user's, where core.hooksPath says, idempotent).
 */
class CommitGuardTest extends DatabaseTest {
    @TempDir
    static Path temp;

    private Path origin;

    @BeforeAll
    void origin() throws Exception {
        origin = Files.createDirectories(temp.resolve("origin"));
        git(origin, "init", "-q", "-b", "main");
        Files.createDirectories(origin.resolve("src"));
        Files.writeString(origin.resolve("src/app.py"), "print('v1')\n");
        Files.writeString(origin.resolve("README.md"), "shop\n");
        git(origin, "add", ".");
        git(origin, "commit", "-q", "-m", "first");
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("HOME", dir.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> command + ": " + out);
        return out;
    }

    private Path clone(String path) throws Exception {
        Path dir = temp.resolve(path);
        Files.createDirectories(dir.getParent());
        git(dir.getParent(), "clone", "-q", origin.toString(), dir.getFileName().toString());
        return dir;
    }

    private Cli instance(String host, Path dir, String project) {
        Cli shell = shell(host, dir.toString());
        register(shell, project);
        return shell;
    }

    @Test
    void aCommitOfAnotherInstancesLeasedFileIsRefusedUntilReleased() throws Exception {
        Path one = clone("g1/shop");
        Path two = clone("elsewhere/g2/shop-two");
        Cli a = instance("guard-a", one, "guarded");
        Cli b = instance("guard-b", two, "guarded");
        String aName = json(a, "status").get("me").asText();
        ok(a.run("lease", "src/app.py", "--reason", "router rewrite"));

        Files.writeString(two.resolve("src/app.py"), "print('v2')\n");
        Files.writeString(two.resolve("README.md"), "shop!\n");
        git(two, "add", ".");
        Cli.Result refused = b.run("guard");
        assertEquals(ExitCode.HELD, refused.code(), refused::toString);
        assertTrue(refused.err().contains("commit refused: src/app.py is held by " + aName), refused.toString());
        assertTrue(refused.err().contains("router rewrite"), refused.toString());
        assertTrue(refused.err().contains("--no-verify"), refused.toString());
        assertFalse(refused.err().contains("README.md"), refused.toString());
        JsonNode doc = b.run("guard", "--json").json();
        assertEquals(1, doc.get("refused").size());
        assertEquals("src/app.py", doc.get("refused").get(0).get("path").asText());
        assertEquals(aName, doc.get("refused").get(0).get("lease").get("holder").asText());

        // The holder commits its own leased file; an unregistered committer of the project is refused.
        Files.writeString(one.resolve("src/app.py"), "print('v3')\n");
        git(one, "add", ".");
        ok(a.run("guard"));
        Cli stranger = shell("guard-c", temp.resolve("elsewhere/g2/shop-two").toString());
        assertEquals(
                ExitCode.HELD, stranger.run("guard", "--project", "guarded").code());

        ok(a.run("release", "src/app.py"));
        ok(b.run("guard"));
    }

    @Test
    void theGuardFailsOpen() throws Exception {
        Path three = clone("g3/shop");
        Cli b = instance("guard-open", three, "guarded-open");
        Files.writeString(three.resolve("README.md"), "changed\n");
        git(three, "add", ".");
        Cli.Result down = b.with("CLAMBAKE_DB_URL", "postgresql://postgres@127.0.0.1:1/nothing")
                .run("guard");
        assertEquals(ExitCode.OK, down.code(), down::toString);
        assertTrue(down.err().contains("cannot check leases, committing anyway"), down.toString());
        Cli.Result notGit = shell("guard-open", temp.toString()).run("guard");
        assertEquals(ExitCode.OK, notGit.code(), notGit::toString);
        assertTrue(notGit.err().contains("not in a git repository"), notGit.toString());
    }

    @Test
    void initInstallsThePreCommitGuardBesideTheUsersHookAndOnlyOnce() throws Exception {
        Path four = clone("g4/shop");
        Path hook = four.resolve(".git/hooks/pre-commit");
        String users = "#!/bin/bash\nset -e\necho users-own-check\n";
        Files.writeString(hook, users);
        Cli shell = shell("guard-init", four.toString());
        ok(shell.run("init", "--project", "guarded", "--launcher", "/opt/clambake/bin/clambake"));
        String installed = Files.readString(hook);
        assertTrue(installed.startsWith("#!/bin/bash\n# clambake:begin"), installed);
        assertTrue(installed.contains("/opt/clambake/bin/clambake guard --project guarded\n"), installed);
        assertTrue(installed.endsWith("# clambake:end\nset -e\necho users-own-check\n"), installed);
        assertTrue(Files.isExecutable(hook));
        Cli.Result again = ok(shell.run("init", "--project", "guarded", "--launcher", "/opt/clambake/bin/clambake"));
        assertTrue(again.out().contains("unchanged: .git/hooks/pre-commit"), again.toString());
        assertEquals(installed, Files.readString(hook));
        ok(shell.run("init", "--project", "guarded", "--launcher", "/usr/local/bin/clambake"));
        String updated = Files.readString(hook);
        assertEquals(1, updated.split("clambake:begin", -1).length - 1, updated);
        assertTrue(updated.contains("/usr/local/bin/clambake guard --project guarded\n"), updated);
    }

    @Test
    void initPutsTheGuardWhereCoreHooksPathSaysAndLeavesOtherLanguagesAlone() throws Exception {
        Path five = clone("g5/shop");
        git(five, "config", "core.hooksPath", "githooks");
        Cli shell = shell("guard-init", five.toString());
        ok(shell.run("init", "--project", "guarded", "--launcher", "clambake"));
        String installed = Files.readString(five.resolve("githooks/pre-commit"));
        assertTrue(installed.startsWith("#!/bin/sh\n# clambake:begin"), installed);
        assertFalse(Files.exists(five.resolve(".git/hooks/pre-commit")));

        Path six = clone("g6/shop");
        String python = "#!/usr/bin/env python3\nprint('mine')\n";
        Files.writeString(six.resolve(".git/hooks/pre-commit"), python);
        Cli.Result r = ok(shell(("guard-init"), six.toString()).run("init", "--launcher", "clambake"));
        assertEquals(python, Files.readString(six.resolve(".git/hooks/pre-commit")));
        assertTrue(r.err().contains("is not a shell script"), r.toString());
    }
}
