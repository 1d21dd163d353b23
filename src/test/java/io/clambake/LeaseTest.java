package io.clambake;

import static io.clambake.support.Parallel.inParallel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.domain.LeaseTarget;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases on a real PostgreSQL: exclusive and shared, globs, renewal, all-or-nothing, expiry by
 * the database clock, --wait, the ways a lease ends, and races of many instances on several
 * hosts, each on its own connection. Each test uses its own project.
 */
class LeaseTest extends DatabaseTest {
    @TempDir
    Path temp;

    private static final int RACERS = 24;
    private static final int HOSTS = 4;
    private static final int ROUNDS = 15;

    /** A live instance of {@code project} on {@code host} in {@code dir}. */
    private Cli instance(String host, String dir, String project) {
        Cli shell = shell(host, dir);
        register(shell, project);
        return shell;
    }

    private static Cli.Result held(Cli.Result result) {
        assertEquals(ExitCode.HELD, result.code(), result::toString);
        return result;
    }

    @Test
    void anExclusiveLeaseRefusesEveryoneElseNamingItsHolder() {
        Cli a = instance("ex-a", "/w/ex/a", "ex");
        Cli b = instance("ex-b", "/w/ex/b", "ex");
        String aName = json(a, "status").get("me").asText();
        ok(a.run("heartbeat", "--task", "fixing the app"));
        Cli.Result leased = ok(a.run("lease", "src/app.py", "--reason", "refactor", "--ttl", "10m"));
        assertTrue(leased.out().startsWith("leased src/app.py until "), leased.toString());

        Cli.Result refused = held(b.run("lease", "src/app.py"));
        assertTrue(refused.err().contains("src/app.py is held by " + aName), refused.toString());
        assertTrue(refused.err().contains("fixing the app"), refused.toString());
        assertTrue(refused.err().contains("reason: refactor"), refused.toString());
        assertTrue(refused.err().contains("clambake send --to " + aName), refused.toString());
        assertEquals(1, refused.err().lines().count(), refused.toString());

        JsonNode error = held(b.run("lease", "src/app.py", "--json")).json().get("error");
        assertEquals(ExitCode.HELD, error.get("exit_code").asInt());
        assertEquals(aName, error.get("holder").asText());

        JsonNode list = json(b, "leases").get("leases");
        assertEquals(1, list.size());
        JsonNode lease = list.get(0);
        assertEquals("src/app.py", lease.get("target").asText());
        assertEquals("path", lease.get("kind").asText());
        assertFalse(lease.get("shared").asBoolean());
        assertEquals(aName, lease.get("holder").asText());
        assertEquals("ex-a", lease.get("host").asText());
        assertEquals("fixing the app", lease.get("task").asText());
        assertEquals("refactor", lease.get("reason").asText());
        assertEquals(0, json(b, "leases", "--mine").get("leases").size());
        assertEquals(1, json(a, "leases", "--mine").get("leases").size());
    }

    @Test
    void leasingWhatYouHoldRenewsTheSameLease() throws Exception {
        Cli a = instance("renew", "/w/renew/a", "renew");
        JsonNode first =
                json(a, "lease", "notes.md", "--ttl", "1m").get("leases").get(0);
        assertFalse(first.get("renewed").asBoolean());
        JsonNode second =
                json(a, "lease", "notes.md", "--ttl", "2h").get("leases").get(0);
        assertTrue(second.get("renewed").asBoolean());
        assertEquals(first.get("id").asLong(), second.get("id").asLong());
        assertTrue(second.get("expires_at")
                        .asText()
                        .compareTo(first.get("expires_at").asText())
                > 0);
        assertEquals(1, count("SELECT count(*) FROM leases WHERE project = 'renew'"));
    }

    @Test
    void oneCallTakesAllItsTargetsOrNone() throws Exception {
        Cli a = instance("aon-a", "/w/aon/a", "aon");
        Cli b = instance("aon-b", "/w/aon/b", "aon");
        ok(a.run("lease", "--resource", "docker"));
        held(b.run("lease", "free.txt", "also-free.txt", "--resource", "docker"));
        assertEquals(0, count("SELECT count(*) FROM leases WHERE project = 'aon' AND target LIKE '%free.txt'"));
        ok(b.run("lease", "free.txt", "also-free.txt"));
        assertEquals(2, json(b, "leases", "--mine").get("leases").size());
    }

    @Test
    void sharedLeasesCoexistButNeverWithAnExclusiveOne() {
        Cli a = instance("sh-a", "/w/sh/a", "sh");
        Cli b = instance("sh-b", "/w/sh/b", "sh");
        Cli c = instance("sh-c", "/w/sh/c", "sh");
        ok(a.run("lease", "--resource", "prod-db", "--shared"));
        ok(b.run("lease", "--resource", "prod-db", "--shared"));
        held(c.run("lease", "--resource", "prod-db"));
        ok(a.run("release", "--resource", "prod-db"));
        ok(b.run("release", "--all"));
        ok(c.run("lease", "--resource", "prod-db"));
        held(a.run("lease", "--resource", "prod-db", "--shared"));
    }

    @Test
    void globsConflictByTheirLiteralParts() {
        Cli a = instance("glob-a", "/w/glob/a", "glob");
        Cli b = instance("glob-b", "/w/glob/b", "glob");
        ok(a.run("lease", "src/db/**"));
        for (String overlapping : List.of("src/db/x.sql", "src/**", "src/*.sql", "*.sql", ".", "src/db", "src")) {
            held(b.run("lease", overlapping));
        }
        for (String apart : List.of("src/web/**", "docs/*.md", "src/dbx/y.sql", "README.md")) {
            ok(b.run("lease", apart));
        }
        ok(b.run("lease", "--resource", "src/db"));
    }

    @Test
    void aGlobCoversExactlyTheFilesItMatches() {
        LeaseTarget glob = LeaseTarget.relative("src/**/*.sql");
        assertTrue(glob.covers("src/a.sql"));
        assertTrue(glob.covers("src/db/deep/b.sql"));
        assertFalse(glob.covers("src/a.py"));
        assertFalse(glob.covers("other/a.sql"));
        LeaseTarget star = LeaseTarget.relative("src/*.sql");
        assertFalse(star.covers("src/db/a.sql"));
        assertTrue(star.covers("src/a.sql"));
        LeaseTarget question = LeaseTarget.relative("v?.txt");
        assertTrue(question.covers("v1.txt"));
        assertFalse(question.covers("v10.txt"));
        LeaseTarget dir = LeaseTarget.relative("src/db");
        assertTrue(dir.covers("src/db/x.sql"));
        assertTrue(dir.covers("src/db"));
        assertFalse(dir.covers("src/dbx"));
        assertTrue(LeaseTarget.relative(".").covers("anything/at/all"));
        assertTrue(LeaseTarget.relative("a.b+c(d)").covers("a.b+c(d)"));
        assertFalse(LeaseTarget.relative("a.b").covers("aXb"));
    }

    @Test
    void pathsAreStoredRelativeToTheGitTopLevelAndNeverOutsideIt() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("paths/repo"));
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(repo.resolve("src/db"));
        Cli a = instance("paths", repo.toString(), "paths");
        Cli inSub = a.in(repo.resolve("src").toString());
        JsonNode lease = json(inSub, "lease", "db/../app.py").get("leases").get(0);
        assertEquals("src/app.py", lease.get("target").asText());
        assertEquals(
                "src/db/**",
                json(inSub, "lease", repo + "/src/db/**")
                        .get("leases")
                        .get(0)
                        .get("target")
                        .asText());
        for (String outside : List.of("../../elsewhere.txt", "/etc/passwd", "../../*.txt")) {
            Cli.Result refused = inSub.run("lease", outside);
            assertEquals(ExitCode.USAGE, refused.code(), refused::toString);
            assertTrue(refused.err().contains("outside the repository " + repo), refused.toString());
        }
        assertEquals(ExitCode.USAGE, a.run("lease", "src/a**").code());
        assertEquals(ExitCode.USAGE, a.run("lease").code());
        assertEquals(ExitCode.USAGE, a.run("lease", "x", "--ttl", "25h").code());
        assertEquals(ExitCode.USAGE, a.run("lease", "--resource", "bad name").code());
        assertEquals(2, count("SELECT count(*) FROM leases WHERE project = 'paths'"));
    }

    @Test
    void twoClonesAtDifferentPathsOnTwoHostsConflictOnTheSameFile() throws Exception {
        Path one = Files.createDirectories(temp.resolve("clones/one/shop"));
        Path two = Files.createDirectories(temp.resolve("clones/elsewhere/two"));
        Files.createDirectories(one.resolve(".git"));
        Files.createDirectories(two.resolve(".git"));
        Cli a = instance("clone-a", one.toString(), "clones");
        Cli b = instance("clone-b", two.toString(), "clones");
        ok(a.run("lease", "src/app.py"));
        held(b.in(two.resolve("src").toString()).run("lease", "app.py"));
    }

    @Test
    void anExpiredLeaseIsIgnoredByTheDatabaseClock() throws Exception {
        Cli a = instance("exp-a", "/w/exp/a", "exp");
        Cli b = instance("exp-b", "/w/exp/b", "exp");
        ok(a.run("lease", "f.txt", "--ttl", "1h"));
        held(b.run("lease", "f.txt"));
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE leases SET expires_at = now() - interval '1 second' WHERE project = 'exp'")) {
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(0, json(b, "leases").get("leases").size());
        ok(b.run("lease", "f.txt"));
        held(a.run("lease", "f.txt"));
    }

    @Test
    void aWaiterGetsTheLeaseWhenItExpires() {
        Cli a = instance("wexp-a", "/w/wexp/a", "wexp");
        Cli b = instance("wexp-b", "/w/wexp/b", "wexp");
        ok(a.run("lease", "f.txt", "--ttl", "2s"));
        held(b.run("lease", "f.txt"));
        ok(b.run("lease", "f.txt", "--wait", "60s"));
        held(a.run("lease", "f.txt"));
    }

    @Test
    void aWaiterGetsTheLeaseWhenItIsReleased() throws Exception {
        Cli a = instance("wrel-a", "/w/wrel/a", "wrel");
        Cli b = instance("wrel-b", "/w/wrel/b", "wrel");
        ok(a.run("lease", "f.txt", "--ttl", "1h"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Cli.Result> waiter = pool.submit(() -> b.run("lease", "f.txt", "--wait", "5m"));
            // The waiter is refused at least once before the release (it waits, not races).
            while (count("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_advisory_xact_lock%'"
                            + " AND pid <> pg_backend_pid()")
                    == 0) {
                if (waiter.isDone()) {
                    break;
                }
                Thread.sleep(20);
            }
            assertFalse(waiter.isDone(), "the waiter must wait while the lease is held");
            ok(a.run("release", "f.txt"));
            ok(waiter.get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, json(b, "leases", "--mine").get("leases").size());
    }

    @Test
    void waitingGivesUpWithExit6() {
        Cli a = instance("wgu-a", "/w/wgu/a", "wgu");
        Cli b = instance("wgu-b", "/w/wgu/b", "wgu");
        ok(a.run("lease", "f.txt"));
        Cli.Result gaveUp = held(b.run("lease", "f.txt", "--wait", "1s"));
        assertTrue(gaveUp.err().contains("waited 1s"), gaveUp.toString());
    }

    @Test
    void deregisterEndsTheLeases() throws Exception {
        Cli a = instance("dereg-a", "/w/dereg/a", "dereg");
        Cli b = instance("dereg-b", "/w/dereg/b", "dereg");
        ok(a.run("lease", "f.txt", "--resource", "docker"));
        ok(a.run("deregister"));
        assertEquals(0, count("SELECT count(*) FROM leases WHERE project = 'dereg'"));
        ok(b.run("lease", "f.txt", "--resource", "docker"));
        register(a, "dereg");
        assertEquals(0, json(a, "leases", "--mine").get("leases").size(), "a revived instance holds nothing");
    }

    @Test
    void cleanupOfAStaleHolderEndsItsLeases() throws Exception {
        Cli a = instance("stale-a", "/w/stale/a", "stale");
        Cli b = instance("stale-b", "/w/stale/b", "stale");
        String aName = json(a, "status").get("me").asText();
        ok(a.run("lease", "f.txt", "--ttl", "24h"));
        setLastSeenHoursAgo(aName, 2);
        held(b.run("lease", "f.txt"));
        ok(b.run("cleanup"));
        assertEquals(0, count("SELECT count(*) FROM leases WHERE project = 'stale'"));
        ok(b.run("lease", "f.txt"));
    }

    @Test
    void forceReleaseTakesLeasesFromStaleHoldersOnly() throws Exception {
        Cli a = instance("force-a", "/w/force/a", "force");
        Cli b = instance("force-b", "/w/force/b", "force");
        String aName = json(a, "status").get("me").asText();
        ok(a.run("lease", "f.txt", "--ttl", "24h"));
        Cli.Result refused = held(b.run("release", "--force", "f.txt", "--json"));
        assertEquals(aName, refused.json().get("error").get("holder").asText());
        assertEquals(1, count("SELECT count(*) FROM leases WHERE project = 'force'"));
        setLastSeenHoursAgo(aName, 2);
        Cli.Result forced = ok(b.run("release", "--force", "f.txt"));
        assertTrue(forced.out().contains("released f.txt (held by " + aName + ")"), forced.toString());
        assertEquals(ExitCode.NOT_FOUND, b.run("release", "--force", "f.txt").code());
        ok(b.run("lease", "f.txt"));
        assertEquals(ExitCode.NOT_FOUND, a.run("release", "other.txt").code());

        // The overseer (the live page's action) names the project and the target as listed.
        Cli c = instance("force-c", "/w/force/c", "force");
        String cName = json(c, "status").get("me").asText();
        ok(c.run("lease", "sub/**", "--resource", "force-db"));
        Cli human = shell("force-h", "/w/force/h");
        assertEquals(
                ExitCode.HELD,
                human.run("release", "--as", "human", "--force", "--project", "force", "sub/**")
                        .code());
        setLastSeenHoursAgo(cName, 2);
        ok(human.run("release", "--as", "human", "--force", "--project", "force", "sub/**"));
        ok(human.run("release", "--as", "human", "--force", "--project", "force", "--resource", "force-db"));
        assertEquals(
                0,
                count("SELECT count(*) FROM leases l JOIN instances i ON i.id = l.holder_id WHERE i.name = ?", cName));
        assertEquals(
                ExitCode.USAGE, a.run("release", "--project", "force", "f.txt").code());
        assertEquals(ExitCode.USAGE, a.run("release").code());
    }

    @Test
    void statusAndTheBriefingListTheProjectsLeases() throws Exception {
        Cli a = instance("list-a", "/w/list/a", "listing");
        ok(a.run("lease", "src/**", "--reason", "big refactor"));
        Cli.Result status = ok(a.run("status"));
        assertTrue(status.out().contains("ACTIVE LEASES in listing"), status.toString());
        assertTrue(status.out().contains("src/**"), status.toString());
        assertEquals(
                "src/**", json(a, "status").get("leases").get(0).get("target").asText());
        Cli claude = shell("list-a", "/w/list/b");
        String payload = "{\"session_id\":\"list-s1\",\"cwd\":\"/w/list/b\",\"hook_event_name\":\"SessionStart\","
                + "\"source\":\"startup\"}";
        Cli.Result start = ok(claude.runWithStdin(payload, "hook", "--project", "listing"));
        String context =
                start.json().get("hookSpecificOutput").get("additionalContext").asText();
        assertTrue(context.contains("Active leases in listing"), context);
        assertTrue(context.contains("src/** exclusive by "), context);
    }

    /** Many instances on several hosts, each on its own connection, race for one target, again and again. */
    @Test
    void exactlyOneOfManyRacersWinsEveryTime() throws Exception {
        List<Cli> racers = racers("race", "race");
        for (int round = 0; round < ROUNDS; round++) {
            String target = "round-" + round + ".txt";
            List<Integer> codes =
                    inParallel(RACERS, t -> racers.get(t).run("lease", target).code());
            assertEquals(1, codes.stream().filter(c -> c == ExitCode.OK).count(), "round " + round + ": " + codes);
            assertEquals(
                    RACERS - 1, codes.stream().filter(c -> c == ExitCode.HELD).count(), codes.toString());
            assertEquals(1, count("SELECT count(*) FROM leases WHERE project = 'race' AND target = ?", target));
        }
    }

    /** Overlapping globs and paths racing: never two exclusive holders of overlapping targets. */
    @Test
    void overlappingGlobsAndPathsNeverHaveTwoExclusiveHolders() throws Exception {
        List<Cli> racers = racers("overlap", "overlap");
        List<String> shapes = List.of("r%d/src/**", "r%d/src/db/**", "r%d/src/db/x.sql", "r%d/src/*.sql", "r%d/src");
        for (int round = 0; round < ROUNDS; round++) {
            int r = round;
            List<Integer> codes = inParallel(RACERS, t -> {
                String target = String.format(shapes.get(t % shapes.size()), r);
                // Every fourth racer also asks for a target apart from the others: all or nothing.
                return t % 4 == 0
                        ? racers.get(t)
                                .run("lease", target, "apart-" + r + "-" + t)
                                .code()
                        : racers.get(t).run("lease", target).code();
            });
            assertEquals(1, codes.stream().filter(c -> c == ExitCode.OK).count(), "round " + round + ": " + codes);
            assertEquals(
                    1,
                    count(
                            "SELECT count(DISTINCT holder_id) FROM leases WHERE project = 'overlap' AND target LIKE ?",
                            "r" + round + "/%"));
            long apart = count(
                    "SELECT count(*) FROM leases WHERE project = 'overlap' AND target LIKE ?", "apart-" + round + "-%");
            assertTrue(apart <= 1, "a refused call took nothing: " + apart);
        }
    }

    private List<Cli> racers(String hostPrefix, String project) {
        List<Cli> racers = new ArrayList<>();
        for (int t = 0; t < RACERS; t++) {
            racers.add(instance(hostPrefix + "-h" + (t % HOSTS), "/w/" + hostPrefix + "/t" + t, project));
        }
        return racers;
    }
}
