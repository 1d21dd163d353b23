package io.clambake;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What register refuses and what it keeps: another name for a live instance, a second register
 * of a live instance, two projects in one directory, and directories too broad to be anyone's.
 */
class RegisterRulesTest extends DatabaseTest {
    private static final int RACERS = 10;

    @TempDir
    Path temp;

    // ------------------------------------------------------------ another name (issue 9, item 7)

    @Test
    void anotherNameForALiveInstanceIsRefusedUnlessRenameIsAsked() throws Exception {
        Cli shell = shell("rr-rename", "/rr/rename");
        Cli peer = shell("rr-rename", "/rr/peer");
        String first = register(shell, "demo");
        register(peer, "demo");

        Cli.Result refused = shell.run("register", "--project", "demo", "--name", "second-name");

        assertEquals(ExitCode.USAGE, refused.code(), refused::toString);
        assertTrue(refused.err().contains(first) && refused.err().contains("--rename"), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertEquals(first, me(shell), "not renamed");
        ok(peer.run("send", "--to", first, "--subject", "still reachable"));

        JsonNode renamed = json(shell, "register", "--project", "demo", "--name", "second-name", "--rename");
        assertEquals("second-name", renamed.at("/instance/name").asText());
        assertEquals(first, renamed.get("renamed_from").asText());
        assertEquals("second-name", me(shell));
        assertEquals(1, json(shell, "inbox").get("unread").asInt(), "the inbox came along");

        Cli.Result noName = shell.run("register", "--project", "demo", "--rename");
        assertEquals(ExitCode.USAGE, noName.code(), noName::toString);
    }

    @Test
    void anotherNameForADepartedInstanceIsRefusedToo() {
        Cli shell = shell("rr-departed", "/rr/departed");
        String first = register(shell, "demo");
        ok(shell.run("deregister"));

        Cli.Result refused = shell.run("register", "--project", "demo", "--name", "new-name");

        assertEquals(ExitCode.USAGE, refused.code(), refused::toString);
        assertTrue(refused.err().contains(first), refused.err());
        JsonNode revived = json(shell, "register", "--project", "demo", "--name", "new-name", "--rename");
        assertTrue(revived.get("revived").asBoolean(), revived.toString());
        assertEquals("new-name", revived.at("/instance/name").asText());
    }

    @Test
    void racingRegistrationsWithTheirOwnNamesTellNoOneANameThatIsGone() throws Exception {
        Cli shell = shell("rr-race", "/rr/race");
        List<Cli.Result> results = race(n -> shell.run("register", "--project", "demo", "--name", "racer-" + n));

        List<String> told = new ArrayList<>();
        for (Cli.Result r : results) {
            if (r.code() == ExitCode.OK) {
                told.add(r.out().lines().findFirst().orElseThrow());
            } else {
                assertEquals(ExitCode.USAGE, r.code(), r::toString);
            }
        }
        String survivor = me(shell);
        assertEquals(List.of(survivor), told, "only the one that created the instance succeeds: " + results);
        for (Cli.Result r : results) {
            if (r.code() != ExitCode.OK) {
                assertTrue(r.err().contains(survivor), "the refusal names the live instance: " + r);
            }
        }
        assertEquals(1, count("SELECT count(*) FROM instances WHERE host = 'rr-race'"));
    }

    // ----------------------------------------------------- already registered (issue 9, item 8)

    @Test
    void registeringALiveInstanceAgainSaysSoAndKeepsItsTaskAndStart() throws Exception {
        Cli shell = shell("rr-again", "/rr/again");
        String name = register(shell, "demo");
        ok(shell.run("heartbeat", "--task", "migrating orders"));
        String started = snapshot("SELECT started_at FROM instances WHERE host = 'rr-again'");

        JsonNode again = json(shell, "register", "--project", "demo");
        Cli.Result text = ok(shell.run("register", "--project", "demo"));
        JsonNode sameName = json(shell, "register", "--project", "demo", "--name", name);

        for (JsonNode doc : List.of(again, sameName)) {
            assertFalse(doc.get("revived").asBoolean(), doc.toString());
            assertTrue(doc.get("already_registered").asBoolean(), doc.toString());
            assertEquals(name, doc.at("/instance/name").asText());
            assertEquals("migrating orders", doc.at("/instance/task").asText(), doc.toString());
        }
        assertEquals(name, text.out().lines().findFirst().orElseThrow());
        assertTrue(
                text.out().lines().skip(1).findFirst().orElseThrow().startsWith("already registered: "),
                text::toString);
        assertEquals(started, snapshot("SELECT started_at FROM instances WHERE host = 'rr-again'"));

        JsonNode first = json(shell("rr-again", "/rr/again-fresh"), "register", "--project", "demo");
        assertFalse(first.get("already_registered").asBoolean(), first.toString());
    }

    // ------------------------------------------------ two projects, one directory (issue 9, item 9)

    @Test
    void twoLiveProjectsInOneDirectoryMakePlainCommandsAskWhichOne() throws Exception {
        Cli shell = shell("rr-two", "/rr/two");
        String alpha = register(shell, "alpha");
        String beta = register(shell, "beta");

        for (String[] args : List.of(
                new String[] {"inbox"},
                new String[] {"status"},
                new String[] {"heartbeat"},
                new String[] {"send", "--to", "@all", "--subject", "hello"},
                new String[] {"recall"})) {
            Cli.Result r = shell.in("/rr/two/sub").run(args);
            assertEquals(ExitCode.USAGE, r.code(), () -> String.join(" ", args) + ": " + r);
            assertTrue(
                    r.err().contains(alpha) && r.err().contains(beta) && r.err().contains("--as"), r.err());
        }
        assertEquals(0, count("SELECT count(*) FROM messages"), "nothing was sent");
        assertEquals(alpha, json(shell, "status", "--as", alpha).get("me").asText());
        assertEquals(
                beta,
                json(shell.with("CLAMBAKE_INSTANCE", beta), "status").get("me").asText());

        // With one of them gone the other is the only candidate.
        ok(shell.run("deregister", "--as", beta));
        assertEquals(alpha, me(shell));
    }

    // ------------------------------------------------------ broad directories (issue 9, item 10)

    @Test
    void theRootTheHomeItsParentsAndTheTemporaryDirectoryAreRefused() throws Exception {
        Path home = Files.createDirectories(temp.resolve("users/me"));
        Path project = Files.createDirectories(home.resolve("src/shop"));
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        Cli shell = shell("rr-broad", project.toString()).home(home);

        for (String dir : List.of(
                "/",
                home.toString(),
                home.getParent().toString(),
                home + "/src/..",
                System.getProperty("java.io.tmpdir"),
                "/does/not/exist",
                file.toString())) {
            Cli.Result r = shell.run("register", "--project", "demo", "--dir", dir);
            assertEquals(ExitCode.USAGE, r.code(), () -> dir + ": " + r);
            assertEquals(1, r.err().lines().count(), r.err());
        }
        for (String cwd : List.of("/", home.toString())) {
            Cli.Result r = shell.in(cwd).run("register", "--project", "demo");
            assertEquals(ExitCode.USAGE, r.code(), () -> cwd + ": " + r);
        }
        assertEquals(0, count("SELECT count(*) FROM instances WHERE host = 'rr-broad'"), "nothing registered");

        assertEquals(
                project.toString(),
                json(shell, "register", "--project", "demo").at("/instance/dir").asText());
        assertEquals(
                home.resolve("src").toString(),
                json(shell, "register", "--project", "demo", "--dir", "..")
                        .at("/instance/dir")
                        .asText());
    }

    @Test
    void aClaudeCodeSessionInTheHomeDirectoryRegistersNothing() throws Exception {
        Path home = Files.createDirectories(temp.resolve("hooks-home"));
        Cli claude = shell("rr-hook-home", home.toString()).home(home);

        Cli.Result start =
                claude.runWithStdin(payload("session-start", "rr-home", home.toString()), "hook", "--project", "demo");

        assertEquals(ExitCode.OK, start.code(), start::toString);
        assertTrue(start.err().contains("home directory"), start::toString);
        assertTrue(start.out().contains("is unavailable"), start::toString);
        assertEquals(0, count("SELECT count(*) FROM instances WHERE host = 'rr-hook-home'"));
    }

    // ------------------------------------------------------------------------------- helpers

    private interface Racer {
        Cli.Result run(int n) throws Exception;
    }

    /** Runs {@code racer} on {@link #RACERS} threads released at one instant. */
    private static List<Cli.Result> race(Racer racer) throws Exception {
        CyclicBarrier start = new CyclicBarrier(RACERS);
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            List<Future<Cli.Result>> futures = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return racer.run(n);
                }));
            }
            List<Cli.Result> results = new ArrayList<>();
            for (Future<Cli.Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private static String me(Cli shell) {
        JsonNode me = json(shell, "status").get("me");
        return me.isNull() ? null : me.asText();
    }
}
