package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.domain.ExitCode;
import io.clambake.support.ChildEnvironment;
import io.clambake.support.DatabaseTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bin/clambake against the built jar, on each JDK this machine has: the first run makes a class
 * archive without printing anything but the command's own output, and later runs use it.
 */
class LauncherIT extends DatabaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HALF_MADE =
            Pattern.compile(".*\\.[0-9]+\\.(aot|aotconf|jsa|untypical|jsa\\.untypical)");

    static Stream<Path> javaHomes() {
        List<Path> homes = new ArrayList<>();
        homes.add(Path.of(System.getProperty("java.home")));
        Path temurin25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isExecutable(temurin25.resolve("bin/java"))) {
            homes.add(temurin25);
        }
        return homes.stream();
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void firstRunMakesAnArchiveAndPrintsOnlyItsOutput(Path javaHome, @TempDir Path cache, @TempDir Path work)
            throws Exception {
        String schema = "launcher_" + javaHome.getFileName().toString().replaceAll("[^a-z0-9]", "_");
        Map<String, String> env = Map.of(
                "CLAMBAKE_JAVA",
                javaHome.resolve("bin/java").toString(),
                "CLAMBAKE_CACHE",
                cache.toString(),
                "CLAMBAKE_DB_URL",
                db.url(),
                "CLAMBAKE_HOST",
                "launcher-host",
                "CLAMBAKE_SCHEMA",
                schema,
                "CLAMBAKE_RESIDENT",
                "off");

        Run migrating = launch(env, work, "status", "--json");
        assertEquals(ExitCode.OK, migrating.code, migrating::toString);
        assertEquals("", migrating.err);
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(
                    List.of(),
                    files.filter(LauncherIT::isArchive).toList(),
                    "a run that migrated the schema must leave no archive");
        }

        Run first = launch(env, work, "register", "--project", "launch", "--json");
        assertEquals(ExitCode.OK, first.code, first::toString);
        String name = JSON.readTree(first.out).get("instance").get("name").asText();
        assertTrue(awaitArchive(cache), "no class archive in " + cache);

        Run second = launch(env, work, "status", "--json");
        assertEquals(ExitCode.OK, second.code, second::toString);
        assertEquals(name, JSON.readTree(second.out).get("me").asText());
        assertEquals("", second.err);

        Run failing = launch(env, work, "read", "999999");
        assertEquals(ExitCode.NOT_FOUND, failing.code, failing::toString);
        assertEquals(1, failing.err.lines().count(), failing::toString);
        assertTrue(awaitArchive(cache), "a later run started another archive in " + cache);
    }

    /**
     * The JDK 25 cache is assembled in the background after the first command returns, under a
     * name with the launcher's pid, and renamed when done: wait for the archive and for no
     * half-made one, which a background process could still be writing when the test ends.
     */
    private static boolean awaitArchive(Path cache) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (Stream<Path> listed = Files.list(cache)) {
                List<Path> files = listed.toList();
                if (files.stream().anyMatch(LauncherIT::isArchive)
                        && files.stream().noneMatch(LauncherIT::isHalfMade)) {
                    return true;
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static boolean isArchive(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".jsa") || name.endsWith(".aot")) && !isHalfMade(file);
    }

    /** bin/clambake's temporary files: the archive's name, then ".PID.", then their kind. */
    private static boolean isHalfMade(Path file) {
        return HALF_MADE.matcher(file.getFileName().toString()).matches();
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private static Run launch(Map<String, String> env, Path dir, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of("bin/clambake").toAbsolutePath().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        ChildEnvironment.isolate(builder.environment()).remove("JAVA_HOME");
        builder.environment().putAll(env);
        builder.environment()
                .put(
                        "CLAMBAKE_JAR",
                        Path.of("target/clambake.jar").toAbsolutePath().toString());
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/clambake " + String.join(" ", args) + " did not finish");
        }
        return new Run(
                process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
