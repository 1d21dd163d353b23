package io.clambake.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.EmbeddedHome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The embedded server through the real CLI with no database configured: shared by every shell,
 * outliving each command, restarted by any verb, and losing nothing on kill -9 or stop. The
 * tests run in order on one server in a throw-away home.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedServerTest {
    private EmbeddedHome home;
    private Cli alpha;
    private Cli beta;
    private String alphaName;
    private String betaName;

    @BeforeAll
    void createHome() {
        home = EmbeddedHome.create("clambake-embedded-test-");
        alpha = home.shell("host1", "/work/alpha");
        beta = home.shell("host1", "/work/beta");
    }

    @AfterAll
    void removeHome() {
        home.close();
    }

    @Test
    @Order(1)
    void theFirstCommandStartsTheServerAndEveryShellSharesIt() {
        alphaName = ok(alpha.run("register", "--project", "demo"))
                .out()
                .lines()
                .findFirst()
                .orElseThrow();
        JsonNode server = serverStatus();
        assertTrue(server.get("running").asBoolean(), server::toString);
        assertEquals(home.port(), server.get("port").asInt());
        assertTrue(server.get("in_use").asBoolean());

        betaName = ok(beta.run("register", "--project", "demo"))
                .out()
                .lines()
                .findFirst()
                .orElseThrow();
        assertTrue(ok(beta.run("status")).out().contains(alphaName));
        ok(beta.run("send", "--to", alphaName, "--subject", "hello from beta", "--body", "first contact"));
        assertTrue(ok(alpha.run("inbox")).out().contains("hello from beta"));

        ok(alpha.run(
                "remember",
                "--type",
                "gotcha",
                "--title",
                "Deadlocks in the orders table",
                "--content",
                "Take the row locks in id order"));
        JsonNode found =
                ok(beta.run("recall", "--search", "deadlock", "--json")).json();
        assertEquals(1, found.get("total").asInt(), "english stemming finds 'Deadlocks' for 'deadlock'");
    }

    @Test
    @Order(2)
    void aMessageAndAMemorySurviveKill9OfThePostmaster() throws Exception {
        long messageId = ok(alpha.run("send", "--to", betaName, "--subject", "before the crash", "--json"))
                .json()
                .get("message")
                .get("id")
                .asLong();
        long memoryId = ok(alpha.run(
                        "remember",
                        "--type",
                        "fix",
                        "--title",
                        "Crash-safe writes",
                        "--content",
                        "committed before kill -9",
                        "--json"))
                .json()
                .get("memory")
                .get("id")
                .asLong();
        long pid = serverStatus().get("pid").asLong();

        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        assertTrue(postmaster.destroyForcibly(), "SIGKILL sent");
        postmaster.onExit().get();
        assertFalse(serverStatus().get("running").asBoolean());

        JsonNode inbox = ok(beta.run("inbox", "--json")).json();
        assertTrue(
                inbox.get("messages").findValues("id").stream().anyMatch(id -> id.asLong() == messageId),
                inbox::toString);
        JsonNode recalled =
                ok(beta.run("recall", "--search", "crash-safe", "--json")).json();
        assertEquals(memoryId, recalled.get("memories").get(0).get("id").asLong());
        JsonNode server = serverStatus();
        assertTrue(server.get("running").asBoolean());
        assertNotEquals(pid, server.get("pid").asLong(), "a new postmaster");
    }

    @Test
    @Order(3)
    void stopKeepsTheDataAndAnyVerbBringsTheServerBack() {
        int unread = ok(beta.run("inbox", "--json")).json().get("unread").asInt();
        JsonNode stopped = ok(alpha.run("server", "stop", "--json")).json().get("server");
        assertTrue(stopped.get("stopped").asBoolean());
        assertFalse(stopped.get("running").asBoolean());
        assertTrue(ok(alpha.run("server", "stop")).out().startsWith("not running"), "stopping twice is fine");

        assertEquals(
                unread, ok(beta.run("inbox", "--json")).json().get("unread").asInt());
        assertTrue(serverStatus().get("running").asBoolean());
        assertTrue(ok(alpha.run("server", "start")).out().startsWith("running"), "start when running says so");
    }

    @Test
    @Order(4)
    void tenCommandsStartingAtOnceEndWithOneServer() throws Exception {
        ok(alpha.run("server", "stop"));
        int commands = 10;
        ExecutorService pool = Executors.newFixedThreadPool(commands);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Cli.Result>> results = new ArrayList<>();
        for (int i = 0; i < commands; i++) {
            Cli shell = home.shell("host" + i, "/work/parallel/" + i);
            results.add(pool.submit(() -> {
                go.await();
                return shell.run("status", "--json");
            }));
        }
        go.countDown();
        for (Future<Cli.Result> result : results) {
            ok(result.get());
        }
        pool.shutdown();
        assertEquals(1, postmastersOf(home.dir().resolve("data")), "one server for the data directory");
    }

    @Test
    @Order(5)
    void aPidFileLeftByARebootWithItsPidReusedDoesNotBlockTheStart() throws Exception {
        ok(alpha.run("server", "stop"));
        Process sleeper = sleeperOwnedLikeTheServer();
        try {
            long reusedPid =
                    sleeper.descendants().findFirst().orElse(sleeper.toHandle()).pid();
            Files.writeString(
                    home.dir().resolve("data/postmaster.pid"),
                    reusedPid + "\n" + home.dir().resolve("data") + "\n1000000000\n" + home.port()
                            + "\n\n127.0.0.1\n  1234567     1\nready   \n");
            assertFalse(serverStatus().get("running").asBoolean(), "a live pid of another process is not the server");
            ok(alpha.run("inbox"));
            assertTrue(serverStatus().get("running").asBoolean());
            assertNotEquals(reusedPid, serverStatus().get("pid").asLong());
        } finally {
            sleeper.descendants().forEach(ProcessHandle::destroy);
            sleeper.destroy();
        }
    }

    /** PostgreSQL only believes a pid alive when it may signal it: a process of its own account. */
    private Process sleeperOwnedLikeTheServer() throws Exception {
        var account = home.server().runsAs();
        List<String> command = account.map(user -> List.of("runuser", "-u", user, "--", "sleep", "120"))
                .orElse(List.of("sleep", "120"));
        Process sleeper = new ProcessBuilder(command).start();
        for (int i = 0;
                i < 100
                        && account.isPresent()
                        && sleeper.descendants().findAny().isEmpty();
                i++) {
            Thread.sleep(20);
        }
        return sleeper;
    }

    @Test
    @Order(6)
    void aTakenPortMakesTheServerMoveToAFreeOneAndRecordIt() throws Exception {
        ok(alpha.run("server", "stop"));
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", home.port()));
            ok(alpha.run("inbox"));
            int port = serverStatus().get("port").asInt();
            assertNotEquals(home.port(), port);
            assertEquals(String.valueOf(port), settings().getProperty("port"), "recorded for later commands");
            assertTrue(ok(beta.run("status")).out().contains(alphaName), "a later command finds it there");
            ok(alpha.run("server", "stop"));
        }
        ok(alpha.run("inbox"));
        assertEquals(home.port(), serverStatus().get("port").asInt(), "CLAMBAKE_SERVER_PORT again once it is free");
    }

    @Test
    @Order(7)
    void aDamagedClusterGetsOneClearLineAndRepairedLosesNothing() throws IOException {
        int unread = ok(beta.run("inbox", "--json")).json().get("unread").asInt();
        ok(alpha.run("server", "stop"));
        Path control = home.dir().resolve("data/global/pg_control");
        Path aside = home.dir().resolve("pg_control.aside");
        Files.move(control, aside);
        try {
            Cli.Result failed = beta.run("inbox");
            assertEquals(ExitCode.UNAVAILABLE, failed.code(), failed::toString);
            assertEquals(1, failed.err().lines().count(), failed.err());
            assertTrue(failed.err().contains("did not start") && failed.err().contains("pg_control"), failed.err());
        } finally {
            Files.move(aside, control);
        }
        assertEquals(
                unread, ok(beta.run("inbox", "--json")).json().get("unread").asInt());
    }

    @Test
    @Order(8)
    void aDataDirectoryOwnedByAnotherUserIsRefusedWithOneLine() throws IOException {
        assumeTrue(RunAs.isRoot(), "only root can hand the directory to another user");
        ok(alpha.run("server", "stop"));
        Path data = home.dir().resolve("data");
        UserPrincipal owner = Files.getOwner(data);
        String stranger = owner.getName().equals("nobody") ? "root" : "nobody";
        Files.setOwner(
                data, data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(stranger));
        try {
            Cli.Result failed = alpha.run("inbox");
            assertEquals(ExitCode.UNAVAILABLE, failed.code(), failed::toString);
            assertTrue(failed.err().contains("belongs to " + stranger), failed.err());
        } finally {
            Files.setOwner(data, owner);
        }
        ok(alpha.run("inbox"));
    }

    @Test
    @Order(9)
    void noOtherUserCanReadTheStateDirectoryOrHoldItsLock() throws Exception {
        ok(alpha.run("inbox"));
        Path dir = home.dir();
        assertTrue(
                Files.getPosixFilePermissions(dir).stream()
                        .noneMatch(p -> p.name().startsWith("OTHERS")),
                "others have no access to " + dir);
        for (String file : List.of("server.lock", "server.properties", "server.log")) {
            assertEquals(
                    "rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir.resolve(file))),
                    file);
        }
        assumeTrue(RunAs.isRoot(), "the other user and the server's own account need root");
        // Another local user (.ci/run makes clambake-other) can neither list the directory nor open the lock.
        for (String probe : List.of("ls " + dir, "exec 3< " + dir.resolve("server.lock"))) {
            Process p = new ProcessBuilder("runuser", "-u", "clambake-other", "--", "sh", "-c", probe)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertNotEquals(0, p.waitFor(), probe + ": " + out);
        }
        // The server runs as an account of its own, not the machine's shared postgres account.
        assertEquals("clambake", Files.getOwner(dir.resolve("data")).getName());
        assertEquals(
                "clambake",
                ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .commandLine()
                                .map(l -> l.contains(dir.resolve("data").toString()))
                                .orElse(false))
                        .findFirst()
                        .flatMap(p -> p.info().user())
                        .orElse("?"));
    }

    private JsonNode serverStatus() {
        return ok(alpha.run("server", "status", "--json")).json().get("server");
    }

    private Properties settings() throws IOException {
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(home.dir().resolve("server.properties"))) {
            props.load(reader);
        }
        return props;
    }

    /** Postmasters are the only server processes whose command line still names the data directory. */
    static long postmastersOf(Path dataDir) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(line -> line.contains(dataDir.toString()))
                        .orElse(false))
                .count();
    }

    static Cli.Result ok(Cli.Result result) {
        assertEquals(ExitCode.OK, result.code(), result::toString);
        return result;
    }
}
