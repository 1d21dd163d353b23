package io.clambake.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.EmbeddedHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What goes wrong before the embedded server runs: each case one line on stderr and exit 5 (2 for bad input). */
class EmbeddedServerBadCasesTest extends DatabaseTest {

    @Test
    void aDataDirectoryThatIsNoClusterIsLeftAloneWithOneLine() throws IOException {
        try (EmbeddedHome home = EmbeddedHome.create("clambake-bad-data-")) {
            Path junk = Files.createDirectories(home.dir().resolve("data")).resolve("notes.txt");
            Files.writeString(junk, "precious");
            ownedByTheServerAccount(home, junk.getParent());
            Cli.Result result = home.shell("h", "/w").run("status");
            assertFailed(ExitCode.UNAVAILABLE, result, "holds no PostgreSQL cluster");
            assertEquals("precious", Files.readString(junk));
        }
    }

    @Test
    void aClusterOfAnotherMajorVersionIsRefused() throws IOException {
        try (EmbeddedHome home = EmbeddedHome.create("clambake-old-data-")) {
            Path data = Files.createDirectories(home.dir().resolve("data"));
            Files.writeString(data.resolve("PG_VERSION"), "16\n");
            ownedByTheServerAccount(home, data);
            assertFailed(ExitCode.UNAVAILABLE, home.shell("h", "/w").run("status"), "holds a PostgreSQL 16 cluster");
        }
    }

    @Test
    void anUnusableStateDirectoryNamesItAndTheWayOut() {
        Cli.Result result =
                Cli.shell(db, "h", "/w").with("CLAMBAKE_DB_URL", null).run("status");
        assertFailed(ExitCode.UNAVAILABLE, result, Cli.UNUSABLE_HOME);
        assertTrue(result.err().contains("CLAMBAKE_DB_URL"), result.err());
    }

    @Test
    void aBadPortSettingIsInvalidInput() {
        try (EmbeddedHome home = EmbeddedHome.create("clambake-bad-port-")) {
            assertFailed(
                    ExitCode.USAGE,
                    home.shell("h", "/w").with("CLAMBAKE_SERVER_PORT", "70000").run("status"),
                    "CLAMBAKE_SERVER_PORT");
        }
    }

    @Test
    void aConfiguredDatabaseAlwaysWinsAndTheEmbeddedServerIsNeverTouched() throws IOException {
        try (EmbeddedHome home = EmbeddedHome.create("clambake-unused-")) {
            Path unused = home.dir().resolve("never");
            Cli shell = shell("h", "/work/configured").with("CLAMBAKE_HOME", unused.toString());
            assertEquals(ExitCode.OK, shell.run("register", "--project", "p").code());
            assertFalse(Files.exists(unused), "no state directory, no server");
            var status = shell.run("server", "status", "--json");
            assertEquals(ExitCode.OK, status.code(), status::toString);
            assertFalse(status.json().get("server").get("in_use").asBoolean());
            assertFalse(status.json().get("server").get("running").asBoolean());
            assertFalse(Files.exists(unused), "status only looks");
        }
    }

    @Test
    void aFullDiskGetsOneLineAndLeavesNoHalfUnpackedServer() throws Exception {
        try (EmbeddedHome home = EmbeddedHome.create("clambake-full-disk-")) {
            assumeTrue(
                    run(
                            "mount",
                            "-t",
                            "tmpfs",
                            "-o",
                            "size=16m",
                            "tmpfs",
                            home.dir().toString()),
                    "needs root and permission to mount a small tmpfs");
            try {
                Cli.Result result = home.shell("h", "/w").run("status");
                assertFailed(ExitCode.UNAVAILABLE, result, "No space left on device");
                try (Stream<Path> left = Files.list(home.dir())) {
                    List<String> names =
                            left.map(path -> path.getFileName().toString()).toList();
                    assertTrue(
                            names.stream()
                                    .noneMatch(name -> name.startsWith("postgres-") || name.startsWith("unpacking-")),
                            names::toString);
                }
            } finally {
                assertTrue(run("umount", home.dir().toString()));
            }
        }
    }

    /** As root the data directory belongs to the account the server runs as. */
    private static void ownedByTheServerAccount(EmbeddedHome home, Path data) throws IOException {
        var account = home.server().runsAs();
        if (account.isPresent()) {
            Files.setOwner(
                    data, data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(account.get()));
        }
    }

    private static void assertFailed(int code, Cli.Result result, String expected) {
        assertEquals(code, result.code(), result::toString);
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().contains(expected), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
    }

    private static boolean run(String... command) throws InterruptedException {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
