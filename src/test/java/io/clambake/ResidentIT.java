package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.domain.ExitCode;
import io.clambake.support.DatabaseTest;
import io.clambake.support.HookPayloads;
import io.clambake.support.Jar;
import io.clambake.support.LauncherProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The resident process of the built jar, reached through bin/clambake: many commands at once,
 * killed mid-command, idle exit, replaced when the jar changes, its memory. Each test has a
 * cache directory of its own, hence resident processes of its own, stopped at the end.
 */
class ResidentIT extends DatabaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Path> caches = new ArrayList<>();
    private Path root;
    private Path work;

    @BeforeAll
    void setUp() throws Exception {
        root = Files.createTempDirectory("clambake-resident-it");
        work = Files.createDirectories(root.resolve("work"));
        Files.createDirectories(root.resolve("home"));
        LauncherProcess.Result registered = LauncherProcess.run(
                env(cache("setup"), "off"), work, new byte[0], "register", "--project", "it", "--name", "alpha");
        assertEquals(ExitCode.OK, registered.code(), registered::toString);
    }

    @AfterAll
    void tearDown() throws IOException {
        for (Path cache : caches) {
            LauncherProcess.run(env(cache, "on"), work, new byte[0], "resident", "stop");
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path cache(String name) {
        Path cache = root.resolve("cache-" + name);
        caches.add(cache);
        return cache;
    }

    /** The environment of a shell of this test's: {@code resident} is CLAMBAKE_RESIDENT. */
    Map<String, String> env(Path cache, String resident) {
        Map<String, String> env = LauncherProcess.shell(root, cache, db.url(), "resident-host");
        env.put("CLAMBAKE_RESIDENT", resident);
        env.put("CLAMBAKE_RESIDENT_IDLE", "5m");
        return env;
    }

    /** Starts the resident process of {@code cache} and returns its status document. */
    JsonNode startResident(Map<String, String> env) throws IOException {
        LauncherProcess.Result started = LauncherProcess.run(env, work, new byte[0], "resident", "start", "--json");
        assertEquals(ExitCode.OK, started.code(), started::toString);
        JsonNode doc = JSON.readTree(started.out());
        assertTrue(doc.get("started").asBoolean(), started::toString);
        return doc.get("residents").get(0);
    }

    JsonNode residentStatus(Map<String, String> env) throws IOException {
        LauncherProcess.Result status = LauncherProcess.run(env, work, new byte[0], "resident", "status", "--json");
        assertEquals(ExitCode.OK, status.code(), status::toString);
        return JSON.readTree(status.out()).get("residents");
    }

    @Test
    void thirtyTwoCommandsAtOnceAllAnswerAndTheResidentStaysSmall() throws Exception {
        Map<String, String> env = env(cache("many"), "require");
        long before = startResident(env).get("commands").asLong();

        // 32 hooks at once, each waiting for its standard input: 32 commands in flight
        List<LauncherProcess.Launch> hooks = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            hooks.add(LauncherProcess.start(env, work, "hook", "--project", "it"));
        }
        awaitRunning(env, 32);
        LauncherProcess.Result meanwhile = LauncherProcess.run(env, work, new byte[0], "inbox", "--json");
        assertEquals(ExitCode.OK, meanwhile.code(), meanwhile::toString);
        for (int i = 0; i < 32; i++) {
            try (OutputStream in = hooks.get(i).stdin()) {
                in.write(HookPayloads.payload("session-start", "many-" + i, work.toString())
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        for (LauncherProcess.Launch hook : hooks) {
            LauncherProcess.Result result = hook.finish(120);
            assertEquals(ExitCode.OK, result.code(), result::toString);
            assertEquals("", result.err(), result::toString);
            assertTrue(result.out().contains("you are alpha"), result::toString);
        }

        // and 32 sends at once
        List<LauncherProcess.Launch> sends = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            sends.add(LauncherProcess.start(env, work, "send", "--to", "alpha", "--subject", "many " + i));
        }
        for (LauncherProcess.Launch send : sends) {
            send.stdin().close();
            LauncherProcess.Result result = send.finish(120);
            assertEquals(ExitCode.OK, result.code(), result::toString);
        }
        JsonNode inbox = JSON.readTree(LauncherProcess.run(env, work, new byte[0], "inbox", "--json", "--limit", "100")
                .out());
        List<String> subjects = texts(inbox.get("messages"), "subject");
        for (int i = 0; i < 32; i++) {
            assertTrue(subjects.contains("many " + i), subjects::toString);
        }

        JsonNode resident = residentStatus(env).get(0);
        assertEquals(before + 32 + 1 + 32 + 1, resident.get("commands").asLong(), resident::toString);
        assertTrue(
                resident.get("peak_rss_kib").asLong() <= 128 * 1024,
                "peak memory " + resident.get("peak_rss_kib") + " KiB");
    }

    @Test
    void aWaitingStopHookLeavesTheResidentFreeAndWakesOnMail() throws Exception {
        Map<String, String> env = env(cache("stop"), "require");
        startResident(env);
        Path elsewhere = Files.createDirectories(root.resolve("work-beta"));
        assertEquals(
                ExitCode.OK,
                LauncherProcess.run(env, elsewhere, new byte[0], "register", "--project", "it", "--name", "beta")
                        .code());
        LauncherProcess.Result started = LauncherProcess.run(
                env,
                work,
                HookPayloads.payload("session-start", "stop-1", work.toString()).getBytes(StandardCharsets.UTF_8),
                "hook",
                "--project",
                "it");
        assertTrue(started.out().contains("you are alpha"), started::toString);

        LauncherProcess.Launch stop = LauncherProcess.start(env, work, "hook", "--project", "it");
        try (OutputStream in = stop.stdin()) {
            in.write(HookPayloads.payload("stop", "stop-1", work.toString()).getBytes(StandardCharsets.UTF_8));
        }
        long waiting = 0;
        for (int i = 0; i < 120 && waiting < 1; i++) {
            waiting = residentStatus(env).get(0).get("waiting_commands").asLong();
            Thread.sleep(250);
        }
        assertEquals(1, waiting, "the Stop hook waits in the resident process");
        // Meanwhile the resident serves others (CLAMBAKE_RESIDENT=require: nowhere else).
        long before = residentStatus(env).get(0).get("commands").asLong();
        LauncherProcess.Result meanwhile = LauncherProcess.run(env, work, new byte[0], "status", "--json");
        assertEquals(ExitCode.OK, meanwhile.code(), meanwhile::toString);
        assertTrue(residentStatus(env).get(0).get("commands").asLong() > before);

        LauncherProcess.Result sent = LauncherProcess.run(
                env, elsewhere, new byte[0], "send", "--to", "alpha", "--subject", "wake up, alpha");
        assertEquals(ExitCode.OK, sent.code(), sent::toString);
        LauncherProcess.Result woken = stop.finish(60);
        assertEquals(2, woken.code(), woken::toString);
        assertTrue(woken.err().contains("wake up, alpha"), woken::toString);
        assertEquals(0, residentStatus(env).get(0).get("waiting_commands").asLong());
    }

    private void awaitRunning(Map<String, String> env, int count) throws Exception {
        long running = 0;
        for (int i = 0; i < 120 && running < count; i++) {
            running = residentStatus(env).get(0).get("running_commands").asLong();
            Thread.sleep(500);
        }
        assertEquals(count, running, "commands running at once in the resident process");
    }

    @Test
    void killedMidCommandTheCommandSaysSoAndTheNextOneWorks() throws Exception {
        Map<String, String> env = env(cache("killed"), "require");
        long pid = startResident(env).get("pid").asLong();
        // Unseen for an hour, so that the command's first statement, the look-up that refreshes
        // alpha's last-seen time, waits for the row. (A statement waiting for a row runs to its end
        // once the row is free, even when its client is gone: PostgreSQL learns of that only when it
        // answers. A heartbeat waiting there would be stored, which is why the error says the
        // command may have taken effect.)
        setLastSeenHoursAgo("alpha", 1);
        String before = snapshot("SELECT coalesce(task, '') FROM instances WHERE name = 'alpha'");
        try (Connection c = db.connect("clambake");
                Statement st = c.createStatement()) {
            // hold alpha's row, so that the heartbeat waits inside the resident process
            c.setAutoCommit(false);
            st.execute("SELECT 1 FROM instances WHERE name = 'alpha' FOR UPDATE");
            LauncherProcess.Launch heartbeat = LauncherProcess.start(env, work, "heartbeat", "--task", "never stored");
            heartbeat.stdin().close();
            awaitRunning(env, 1);
            new ProcessBuilder("kill", "-9", String.valueOf(pid)).start().waitFor();
            LauncherProcess.Result result = heartbeat.finish(30);
            assertEquals(ExitCode.OTHER, result.code(), result::toString);
            assertEquals("", result.out());
            assertTrue(
                    result.err().startsWith("clambake: the resident process (pid " + pid + ") ended while running"),
                    result::toString);
            assertTrue(result.millis() < 20_000, result::toString);
            c.rollback();
        }
        assertEquals(before, snapshot("SELECT coalesce(task, '') FROM instances WHERE name = 'alpha'"));

        // the next command runs in a JVM of its own, and starts a new resident process
        LauncherProcess.Result next = LauncherProcess.run(
                env(root.resolve("cache-killed"), "on"), work, new byte[0], "heartbeat", "--task", "after the kill");
        assertEquals(ExitCode.OK, next.code(), next::toString);
        assertEquals("alpha: after the kill\n", next.out());
        LauncherProcess.Result served = awaitResident(env, "heartbeat", "--task", "served again");
        assertEquals("alpha: served again\n", served.out(), served::toString);
        assertNotEquals(pid, residentStatus(env).get(0).get("pid").asLong());
    }

    /** Runs a command with CLAMBAKE_RESIDENT=require until a resident process (being started) takes it. */
    private LauncherProcess.Result awaitResident(Map<String, String> env, String... args) throws Exception {
        LauncherProcess.Result result = null;
        for (int i = 0; i < 60; i++) {
            result = LauncherProcess.run(env, work, new byte[0], args);
            if (result.code() == ExitCode.OK) {
                return result;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no resident process took the command: " + result);
    }

    @Test
    void itExitsWhenIdleAndLeavesNoStateFile() throws Exception {
        Path cache = cache("idle");
        Map<String, String> env = env(cache, "require");
        env.put("CLAMBAKE_RESIDENT_IDLE", "3s");
        long pid = startResident(env).get("pid").asLong();
        assertEquals(
                ExitCode.OK,
                LauncherProcess.run(env, work, new byte[0], "inbox").code());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        try (Stream<Path> files = Files.list(cache.resolve("resident"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertTrue(names.stream().allMatch(n -> n.endsWith(".lock") || n.endsWith(".log")), names::toString);
        }
        assertEquals("[]", residentStatus(env).toString());
    }

    @Test
    void aRebuiltJarReplacesTheResidentProcess() throws Exception {
        Path jars = Files.createDirectories(root.resolve("jars"));
        Path jar = jars.resolve("clambake.jar");
        Files.copy(Jar.PATH, jar);
        Map<String, String> env = env(cache("rebuilt"), "require");
        env.put("CLAMBAKE_JAR", jar.toString());
        long pid = startResident(env).get("pid").asLong();
        assertEquals(
                ExitCode.OK,
                LauncherProcess.run(env, work, new byte[0], "inbox").code());

        Path rebuilt = jars.resolve("clambake.jar.new");
        Files.copy(Jar.PATH, rebuilt);
        Files.move(rebuilt, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        Map<String, String> on = new HashMap<>(env);
        on.put("CLAMBAKE_RESIDENT", "on");
        LauncherProcess.Result refused = LauncherProcess.run(on, work, new byte[0], "inbox");
        assertEquals(ExitCode.OK, refused.code(), refused::toString);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        awaitResident(env, "inbox");
        long successor = residentStatus(env).get(0).get("pid").asLong();
        assertNotEquals(pid, successor);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /**
     * Another local account (created when missing; CI's .ci/run makes it) cannot read the secret,
     * cannot get anything from the port with a guessed one, and cannot have the launcher run a
     * command in this user's process.
     */
    @Test
    void anotherUserIsRefused() throws Exception {
        Assumptions.assumeTrue(isRoot(), "acting as a second user needs root (CI runs as root)");
        String other = "clambake-other";
        if (new ProcessBuilder("id", other).start().waitFor() != 0) {
            Process add = new ProcessBuilder(
                            "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", other)
                    .inheritIO()
                    .start();
            assertEquals(0, add.waitFor(), "useradd " + other);
        }
        Path cache = cache("other-user");
        Map<String, String> env = env(cache, "require");
        startResident(env);
        // only the resident directory's own permissions stand between the other user and its files
        for (Path dir = cache; !dir.equals(root.getParent()); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path residentDir = cache.resolve("resident");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(residentDir)));
        Path stateFile;
        try (Stream<Path> files = Files.list(residentDir)) {
            stateFile = files.filter(f -> !f.getFileName().toString().contains(".jar."))
                    .findFirst()
                    .orElseThrow();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateFile)));
        String[] state = Files.readString(stateFile).strip().split(" ");
        long served = residentStatus(env).get(0).get("commands").asLong();

        assertNotEquals(0, as(other, "ls " + residentDir).code());
        assertNotEquals(0, as(other, "cat " + stateFile).code());
        Files.setPosixFilePermissions(residentDir, PosixFilePermissions.fromString("rwx--x--x"));
        LauncherProcess.Result read = as(other, "cat " + stateFile);
        Files.setPosixFilePermissions(residentDir, PosixFilePermissions.fromString("rwx------"));
        assertNotEquals(0, read.code(), read::toString);
        assertTrue(read.err().contains("Permission denied"), read::toString);

        // a guessed secret, then a whole request: the connection is closed, nothing runs
        LauncherProcess.Result guessed = as(
                other,
                "exec 3<>/dev/tcp/127.0.0.1/" + state[1] + " && printf 'CLAMBAKE/1 %s\\n' " + "0".repeat(64)
                        + " >&3 && printf '%s\\0' run j j / 1 0 1 inbox >&3; cat <&3; echo \"read $?\"");
        assertEquals("read 0\n", guessed.out(), guessed::toString);

        // the launcher, run by the other user with this user's cache, does not use the process
        Map<String, String> theirs = new HashMap<>(env);
        theirs.put("HOME", "/tmp");
        StringBuilder assignments = new StringBuilder();
        theirs.forEach((name, value) ->
                assignments.append(name).append("='").append(value).append("' "));
        LauncherProcess.Result launched =
                as(other, "cd /tmp && env " + assignments + LauncherProcess.LAUNCHER + " inbox");
        assertEquals(ExitCode.OTHER, launched.code(), launched::toString);
        assertTrue(launched.err().contains("the resident process did not run this command"), launched::toString);

        assertEquals(served, residentStatus(env).get(0).get("commands").asLong());
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        return id.waitFor() == 0 && uid.equals("0");
    }

    /** Runs a bash command line as {@code user}. */
    private static LauncherProcess.Result as(String user, String commandLine) throws Exception {
        Process p = new ProcessBuilder("runuser", "-u", user, "--", "bash", "-c", commandLine)
                .directory(new java.io.File("/tmp"))
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        return new LauncherProcess.Result(
                p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8), 0);
    }
}
