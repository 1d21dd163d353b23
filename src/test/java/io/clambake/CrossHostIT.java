package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.domain.ExitCode;
import io.clambake.support.ChildEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14's setup on one box: a PostgreSQL 15 in one network namespace, two client hosts in two
 * others, each with its own live host name (unshare --uts) and the same /etc/hostname and
 * /etc/machine-id, running the packaged jar. Checks: the two hosts get two instances in one
 * directory path; a send whose link is cut mid-statement ends with exit 5 within its socket
 * timeout saying the outcome is unknown, and its retry with the same idempotency key leaves one
 * row; a burst larger than max_connections all succeeds; TLS finds its CA as psql does and a
 * verify-full mismatch is one line. Needs root, iproute2 and util-linux
 * (there on CI): without them it fails with a line that says what is missing. Every namespace
 * and process it makes is removed in finally blocks.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossHostIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final int SOCKET_TIMEOUT = 5;
    private static final int MAX_CONNECTIONS = 6;

    private final String tag =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 5);
    private final String server = "cbk-s-" + tag;
    private final String hostA = "cbk-a-" + tag;
    private final String hostB = "cbk-b-" + tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Path work;
    private Path data;
    private Path jar;

    @Test
    void twoHostsALostLinkAndAFullServer() throws Exception {
        requireTools();
        jar = Path.of(System.getProperty("basedir", "."))
                .resolve("target/clambake.jar")
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "build the jar first: " + jar);
        work = Files.createTempDirectory("clambake-crosshost-");
        try {
            network();
            startServer();
            Path project = Files.createDirectories(work.resolve("project"));

            // 1. Same /etc/hostname, same machine id, same directory path: two live host names, two instances.
            String a = clambake(hostA, "alpha", project, "register", "--project", "xhost")
                    .ok()
                    .out()
                    .lines()
                    .findFirst()
                    .orElse("");
            String b = clambake(hostB, "beta", project, "register", "--project", "xhost")
                    .ok()
                    .out()
                    .lines()
                    .findFirst()
                    .orElse("");
            assertTrue(!a.equals(b), a + " / " + b);
            assertEquals(
                    "alpha,beta",
                    psql("SELECT string_agg(host, ',' ORDER BY host) FROM clambake.instances"
                            + " WHERE project = 'xhost' AND left_at IS NULL"));

            // 2. The link is cut while the INSERT waits for a lock; the lock goes, the row commits,
            // the answer never arrives.
            String[] keyedSend = {"send", "--to", "@all", "--subject", "cut", "--idempotency-key", "cut-1", "--json"};
            Process lock = holdMessagesLock();
            long before = System.nanoTime();
            Process send = start(hostA, "alpha", project, "?socketTimeout=" + SOCKET_TIMEOUT, keyedSend);
            waitFor(
                    "the INSERT waiting for the lock",
                    () -> psql("SELECT count(*) FROM pg_stat_activity"
                                    + " WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO messages%'")
                            .equals("1"));
            run("ip", "-n", hostA, "link", "set", "v" + tag + "a", "down");
            long cut = System.nanoTime();
            try (OutputStream in = lock.getOutputStream()) {
                in.write("COMMIT;\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(lock.waitFor(20, TimeUnit.SECONDS), "the lock holder ends");
            Result lost = finish(send, 60);
            double seconds = (System.nanoTime() - cut) / 1e9;
            assertEquals(ExitCode.UNAVAILABLE, lost.code(), lost::toString);
            assertTrue(lost.err().contains("unknown"), lost::toString);
            assertTrue(seconds < SOCKET_TIMEOUT + 10, "ended " + seconds + " s after the cut: " + lost);
            assertTrue((cut - before) / 1e9 < 60, "the send reached its INSERT");
            waitFor(
                    "the cut INSERT to commit",
                    () -> psql("SELECT count(*) FROM clambake.messages WHERE subject = 'cut'")
                            .equals("1"));
            run("ip", "-n", hostA, "link", "set", "v" + tag + "a", "up");
            Result retried = clambake(hostA, "alpha", project, keyedSend).ok();
            JsonNode doc = MAPPER.readTree(retried.out());
            assertTrue(doc.get("repeated").asBoolean(), retried::toString);
            assertEquals("1", psql("SELECT count(*) FROM clambake.messages WHERE subject = 'cut'"));

            // 3. A burst of 12 commands while 4 of the server's 6 connections are taken. Without TLS:
            // twelve cold JVMs' handshakes on a loaded machine can outlast the 10 s login timeout,
            // which is not what this checks (TLS has its own checks below).
            List<Process> sleepers = new ArrayList<>();
            for (int i = 0; i < MAX_CONNECTIONS - 2; i++) {
                sleepers.add(track(new ProcessBuilder(psqlCommand("SELECT pg_sleep(6)"))
                        .redirectErrorStream(true)
                        .start()));
            }
            waitFor(
                    "the sleepers to connect",
                    () -> psql("SELECT count(*) FROM pg_stat_activity"
                                    + " WHERE query LIKE 'SELECT pg_sleep(6)%' AND state = 'active'")
                            .equals(String.valueOf(MAX_CONNECTIONS - 2)));
            List<Process> burst = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                boolean onA = i % 2 == 0;
                burst.add(start(
                        onA ? hostA : hostB,
                        onA ? "alpha" : "beta",
                        project,
                        "?sslmode=disable",
                        "send",
                        "--to",
                        "@all",
                        "--subject",
                        "burst " + i));
            }
            for (Process p : burst) {
                finish(p, 120).ok();
            }
            for (Process p : sleepers) {
                p.waitFor(20, TimeUnit.SECONDS);
            }
            assertEquals("12", psql("SELECT count(*) FROM clambake.messages WHERE subject LIKE 'burst %'"));

            // 4. TLS: the CA comes from $HOME/.postgresql/root.crt or $PGSSLROOTCERT, as for psql
            // (not the JVM's user.home); a host-name mismatch is one line, no driver log lines.
            Path home =
                    Files.createDirectories(work.resolve("home/.postgresql")).getParent();
            Files.copy(work.resolve("ca.crt"), home.resolve(".postgresql/root.crt"));
            Result byHome = finish(
                    start(hostA, "alpha", project, "?sslmode=verify-ca", Map.of("HOME", home.toString()), "status"),
                    60);
            byHome.ok();
            Result byVariable = finish(
                    start(
                            hostA,
                            "alpha",
                            project,
                            "?sslmode=verify-ca",
                            Map.of("PGSSLROOTCERT", work.resolve("ca.crt").toString()),
                            "status"),
                    60);
            byVariable.ok();
            Result mismatch = finish(
                    start(hostA, "alpha", project, "?sslmode=verify-full", Map.of("HOME", home.toString()), "status"),
                    60);
            assertEquals(ExitCode.UNAVAILABLE, mismatch.code(), mismatch::toString);
            assertEquals(1, mismatch.err().lines().count(), mismatch::toString);
            assertTrue(mismatch.err().contains("10.77.1.1:5432/postgres"), mismatch::toString);
            assertTrue(mismatch.err().contains("certificate does not name 10.77.1.1"), mismatch::toString);
        } finally {
            cleanUp();
        }
    }

    private void requireTools() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!"0".equals(output("id", "-u"))) {
            missing.add("root (it runs as uid " + output("id", "-u") + ")");
        }
        if (!"0".equals(output("sh", "-c", "id -u postgres >/dev/null 2>&1; echo $?"))) {
            missing.add("the 'postgres' account (PostgreSQL's package makes it)");
        }
        for (String tool : List.of("ip", "unshare", "runuser", "openssl")) {
            if (!onPath(tool)) {
                missing.add("the '" + tool + "' command");
            }
        }
        for (String tool : List.of("initdb", "postgres", "psql")) {
            if (!Files.isExecutable(PG_BIN.resolve(tool))) {
                missing.add(PG_BIN.resolve(tool).toString());
            }
        }
        if (!missing.isEmpty()) {
            fail("CrossHostIT needs root, iproute2, util-linux and PostgreSQL 15 in " + PG_BIN + "; missing: "
                    + String.join(", ", missing));
        }
    }

    /** A server namespace with one veth pair to each client: 10.77.1.0/24 to alpha, 10.77.2.0/24 to beta. */
    private void network() throws Exception {
        for (String ns : List.of(server, hostA, hostB)) {
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        String[][] links = {{hostA, "a", "1"}, {hostB, "b", "2"}};
        for (String[] link : links) {
            String serverSide = "s" + tag + link[1];
            String clientSide = "v" + tag + link[1];
            run(
                    "ip",
                    "link",
                    "add",
                    serverSide,
                    "netns",
                    server,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    clientSide,
                    "netns",
                    link[0]);
            run("ip", "-n", server, "addr", "add", "10.77." + link[2] + ".1/24", "dev", serverSide);
            run("ip", "-n", link[0], "addr", "add", "10.77." + link[2] + ".2/24", "dev", clientSide);
            run("ip", "-n", server, "link", "set", serverSide, "up");
            run("ip", "-n", link[0], "link", "set", clientSide, "up");
        }
    }

    private void startServer() throws Exception {
        data = work.resolve("data");
        Files.createDirectories(data);
        run("chown", "-R", "postgres", work.toString());
        run(
                "runuser",
                "-u",
                "postgres",
                "--",
                PG_BIN.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync");
        // A certificate for db.test, not for the address clients use: verify-ca passes, verify-full must not.
        run(
                "openssl",
                "req",
                "-new",
                "-x509",
                "-days",
                "2",
                "-nodes",
                "-subj",
                "/CN=db.test",
                "-keyout",
                data.resolve("server.key").toString(),
                "-out",
                data.resolve("server.crt").toString());
        Files.copy(data.resolve("server.crt"), work.resolve("ca.crt"));
        run(
                "chown",
                "postgres",
                data.resolve("server.key").toString(),
                data.resolve("server.crt").toString());
        run("chmod", "600", data.resolve("server.key").toString());
        Files.writeString(
                data.resolve("pg_hba.conf"),
                "local all all trust\nhost all all 10.77.0.0/16 trust\n",
                StandardCharsets.UTF_8);
        track(new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        server,
                        "runuser",
                        "-u",
                        "postgres",
                        "--",
                        PG_BIN.resolve("postgres").toString(),
                        "-D",
                        data.toString(),
                        "-c",
                        "listen_addresses=10.77.1.1,10.77.2.1",
                        "-c",
                        "port=5432",
                        "-c",
                        "max_connections=" + MAX_CONNECTIONS,
                        "-c",
                        "superuser_reserved_connections=0",
                        "-c",
                        "unix_socket_directories=" + data,
                        "-c",
                        "fsync=off",
                        "-c",
                        "ssl=on")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile())
                .start());
        waitFor("the server to accept connections", () -> "1".equals(psql("SELECT 1")));
    }

    /** A psql that takes an exclusive lock on the messages table and holds it until COMMIT arrives on its stdin. */
    private Process holdMessagesLock() throws Exception {
        List<String> command = new ArrayList<>(psqlBase());
        command.add("-q");
        Process lock = track(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());
        OutputStream in = lock.getOutputStream();
        in.write("BEGIN;\nLOCK TABLE clambake.messages IN EXCLUSIVE MODE;\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        waitFor(
                "the lock",
                () -> psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                                + " WHERE c.relname = 'messages' AND l.mode = 'ExclusiveLock' AND l.granted")
                        .equals("1"));
        return lock;
    }

    private Result clambake(String ns, String hostname, Path dir, String... args) throws Exception {
        return finish(start(ns, hostname, dir, "", args), 120);
    }

    /** The jar run in namespace {@code ns} under its own live host name (a UTS namespace), not CLAMBAKE_HOST. */
    private Process start(String ns, String hostname, Path dir, String urlParameters, String... args)
            throws IOException {
        return start(ns, hostname, dir, urlParameters, Map.of(), args);
    }

    private Process start(
            String ns, String hostname, Path dir, String urlParameters, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                ns,
                "unshare",
                "--uts",
                "sh",
                "-c",
                "hostname \"$0\" && exec \"$@\"",
                hostname,
                JAVA,
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        ChildEnvironment.isolate(pb.environment());
        String address = ns.equals(hostA) ? "10.77.1.1" : "10.77.2.1";
        pb.environment().put("CLAMBAKE_DB_URL", "postgresql://postgres@" + address + ":5432/postgres" + urlParameters);
        pb.environment().putAll(env);
        return track(pb.start());
    }

    private record Result(int code, String out, String err) {
        Result ok() {
            assertEquals(ExitCode.OK, code, this::toString);
            return this;
        }
    }

    private static Result finish(Process p, int seconds) throws Exception {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("still running after " + seconds + " s: "
                    + p.info().commandLine().orElse("?"));
        }
        return new Result(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    /** psql as postgres over the server's Unix socket, outside every network namespace. */
    private List<String> psqlBase() {
        return List.of(
                "runuser",
                "-u",
                "postgres",
                "--",
                PG_BIN.resolve("psql").toString(),
                "-X",
                "-h",
                data.toString(),
                "-U",
                "postgres",
                "-d",
                "postgres");
    }

    private List<String> psqlCommand(String sql) {
        List<String> command = new ArrayList<>(psqlBase());
        command.addAll(List.of("-At", "-c", sql));
        return command;
    }

    /** One value by psql over the server's Unix socket (outside every network namespace), or "" when it fails. */
    private String psql(String sql) {
        try {
            Process p = new ProcessBuilder(psqlCommand(sql)).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? out : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("waited 60 s for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static boolean onPath(String tool) throws Exception {
        return new ProcessBuilder("sh", "-c", "command -v " + tool)
                        .redirectErrorStream(true)
                        .start()
                        .waitFor()
                == 0;
    }

    private static String output(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.waitFor(20, TimeUnit.SECONDS);
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed: " + out);
        }
    }

    /** The server stopped (SIGQUIT: immediate shutdown, children included), every process and namespace gone. */
    private void cleanUp() throws Exception {
        if (data != null && Files.isRegularFile(data.resolve("postmaster.pid"))) {
            String pid =
                    Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip();
            new ProcessBuilder("kill", "-QUIT", pid).start().waitFor(10, TimeUnit.SECONDS);
            for (int i = 0; i < 100 && Files.exists(data.resolve("postmaster.pid")); i++) {
                Thread.sleep(100);
            }
        }
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(20, TimeUnit.SECONDS);
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
