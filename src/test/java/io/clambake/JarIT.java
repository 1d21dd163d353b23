package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.cli.Clambake;
import io.clambake.domain.ExitCode;
import io.clambake.support.ChildEnvironment;
import io.clambake.support.DatabaseTest;
import io.clambake.support.EmbeddedHome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Black-box checks of the shaded jar as a user's shell runs it: {@code java -jar target/clambake.jar}
 * in a real process, with its own working directory, environment, standard input and exit code.
 * Run by failsafe in {@code mvn verify}, after the package phase has built the jar.
 */
class JarIT extends DatabaseTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String HOST = "jar-it-host";

    private Path jar;
    private Path root;
    private Path emptyConfig;
    private Path project;
    private String me;

    @BeforeAll
    void setUp() throws Exception {
        jar = Path.of(System.getProperty("basedir", "."))
                .resolve("target/clambake.jar")
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "build the jar first (mvn verify runs package before this): " + jar);
        root = Files.createTempDirectory("clambake-jar-it").toRealPath();
        emptyConfig = Files.createDirectories(root.resolve("empty-config"));
        project = Files.createDirectories(root.resolve("work/project"));
        Proc registered = clambake(project).run("register", "--project", "jarit");
        registered.assertOk();
        me = registered.out().lines().findFirst().orElseThrow();
        assertTrue(registered.out().contains("dir " + project), registered.toString());
    }

    @AfterAll
    void removeDirectories() throws IOException {
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void helpListsEveryVerbAndTheExitCodes() throws Exception {
        Proc help = clambake(root).run("--help");
        help.assertOk();
        for (String verb : Clambake.verbs()) {
            assertTrue(
                    Pattern.compile("(?m)^\\s+" + Pattern.quote(verb) + "\\s")
                            .matcher(help.out())
                            .find(),
                    "--help lists " + verb + ":\n" + help.out());
        }
        assertTrue(help.out().contains("Exit codes:"), help.out());
        for (int code = ExitCode.OK; code <= ExitCode.UNAVAILABLE; code++) {
            assertTrue(
                    Pattern.compile("(?m)^\\s+" + code + "\\s+\\S")
                            .matcher(help.out())
                            .find(),
                    "--help explains exit code " + code + ":\n" + help.out());
        }
        assertEquals("", help.err());
    }

    @Test
    void identityComesFromTheWorkingDirectoryOrItsNearestRegisteredParent() throws Exception {
        Proc here = clambake(project).run("inbox", "--json");
        here.assertOk();
        assertEquals(me, here.json().get("me").asText());
        assertEquals(
                "no unread messages\n",
                clambake(project).run("inbox").assertOk().out());

        Path deeper = Files.createDirectories(project.resolve("src/main/deeper"));
        Proc below = clambake(deeper).run("inbox", "--json");
        below.assertOk();
        assertEquals(me, below.json().get("me").asText(), "a subdirectory belongs to the nearest registered parent");

        Path unrelated = Files.createDirectories(root.resolve("work/unrelated"));
        Proc elsewhere = clambake(unrelated).run("inbox");
        elsewhere.assertFailsCleanly(ExitCode.NOT_REGISTERED);
        assertTrue(elsewhere.err().contains("not registered"), elsewhere.toString());
    }

    @Test
    void clambakeInstanceNamesTheCallerFromAnyDirectory() throws Exception {
        Path unrelated = Files.createDirectories(root.resolve("elsewhere/entirely"));
        Proc named = clambake(unrelated).env("CLAMBAKE_INSTANCE", me).run("inbox", "--json");
        named.assertOk();
        assertEquals(me, named.json().get("me").asText());

        Proc unknown =
                clambake(unrelated).env("CLAMBAKE_INSTANCE", "no-such-instance").run("inbox");
        unknown.assertFailsCleanly(ExitCode.NOT_FOUND);
        assertTrue(unknown.err().contains("no-such-instance"), unknown.toString());
    }

    @Test
    void sendReadsTheBodyFromStandardInput() throws Exception {
        Path senderDir = Files.createDirectories(root.resolve("work/sender"));
        Proc registered = clambake(senderDir).run("register", "--project", "jarit");
        registered.assertOk();
        String body = "first line\n\tsecond line, indented\n\nlast line: 100% \"quoted\" \\ backslash\n";
        Proc sent = clambake(senderDir)
                .stdin(body)
                .run("send", "--to", me, "--type", "request", "--subject", "Body from stdin", "--body", "-", "--json");
        sent.assertOk();
        String id = sent.json().get("message").get("id").asText();

        Proc read = clambake(project).run("read", id, "--json");
        read.assertOk();
        JsonNode message = read.json().get("message");
        assertEquals(body, message.get("body").asText());
        assertEquals("Body from stdin", message.get("subject").asText());
        assertEquals(
                registered.out().lines().findFirst().orElseThrow(),
                message.get("from").asText());
        assertTrue(read.json().get("first_read").asBoolean(), read.toString());
    }

    @Test
    void jsonOutputIsUtf8WhateverTheLocale() throws Exception {
        // Agents write dashes, arrows and accents; a POSIX locale must not turn them into '?' in JSON.
        Path senderDir = Files.createDirectories(root.resolve("work/utf8-sender"));
        clambake(senderDir).run("register", "--project", "jarit").assertOk();
        String body = "naïve café — “quotes” → ✓\n";
        Proc sent = clambake(senderDir)
                .stdin(body)
                .env("LANG", "C")
                .env("LC_ALL", "C")
                .run("send", "--to", me, "--subject", "utf8", "--body", "-", "--json");
        sent.assertOk();
        String id = sent.json().get("message").get("id").asText();
        try (var c = db.connect("clambake");
                var ps = c.prepareStatement("SELECT body FROM messages WHERE id = ?")) {
            ps.setLong(1, Long.parseLong(id));
            try (var rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(body, rs.getString(1), "stdin is read as UTF-8");
            }
        }
        Proc read = clambake(project).env("LANG", "C").env("LC_ALL", "C").run("read", id, "--json");
        read.assertOk();
        assertEquals(body, read.json().get("message").get("body").asText(), "read --json under LANG=C: " + read.out());
    }

    @Test
    void invalidInputExits2WithOneLine() throws Exception {
        String longSubject = "x".repeat(201);
        Proc type = clambake(project).run("send", "--to", me, "--type", "urgent", "--subject", "s");
        type.assertFailsCleanly(ExitCode.USAGE);
        assertTrue(type.err().contains("urgent"), type.toString());
        Proc empty = clambake(project).run("send", "--to", me, "--subject", "");
        empty.assertFailsCleanly(ExitCode.USAGE);
        assertTrue(empty.err().contains("--subject"), empty.toString());
        Proc tooLong = clambake(project).run("send", "--to", me, "--subject", longSubject);
        tooLong.assertFailsCleanly(ExitCode.USAGE);
        assertTrue(tooLong.err().contains("200"), tooLong.toString());
        Proc option = clambake(project).run("inbox", "--no-such-option");
        option.assertFailsCleanly(ExitCode.USAGE);
        assertTrue(option.err().contains("--no-such-option"), option.toString());
        try (var c = db.connect("clambake");
                var st = c.createStatement();
                var rs = st.executeQuery(
                        "SELECT count(*) FROM messages WHERE subject IN ('s', '') OR length(subject) > 200")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1), "no invalid send reached the database");
        }
    }

    @Test
    void unknownIdsAndNamesExit3() throws Exception {
        Proc read = clambake(project).run("read", "999999");
        read.assertFailsCleanly(ExitCode.NOT_FOUND);
        assertTrue(read.err().contains("999999"), read.toString());
        Proc send = clambake(project).run("send", "--to", "nobody", "--subject", "hello?");
        send.assertFailsCleanly(ExitCode.NOT_FOUND);
        assertTrue(send.err().contains("nobody"), send.toString());
    }

    @Test
    void anUnregisteredCallerExits4() throws Exception {
        Path fresh = Files.createDirectories(root.resolve("not-yet-registered"));
        Proc inbox = clambake(fresh).run("inbox");
        inbox.assertFailsCleanly(ExitCode.NOT_REGISTERED);
        assertTrue(inbox.err().contains("register"), inbox.toString());
    }

    @Test
    void anUnreachableDatabaseExits5WithoutShowingThePassword() throws Exception {
        Proc refused = clambake(project)
                .env("CLAMBAKE_DB_URL", "postgresql://postgres:s3cretPW@127.0.0.1:1/x?connectRetry=0")
                .run("inbox");
        refused.assertFailsCleanly(ExitCode.UNAVAILABLE);
        assertTrue(refused.err().contains("127.0.0.1:1/x"), refused.toString());
        assertFalse(refused.err().contains("s3cretPW") || refused.out().contains("s3cretPW"), refused.toString());

        Proc json = clambake(project)
                .env("CLAMBAKE_DB_URL", "postgresql://postgres:s3cretPW@127.0.0.1:1/x?connectRetry=0")
                .run("inbox", "--json");
        json.assertJsonError(ExitCode.UNAVAILABLE);
        assertFalse(json.out().contains("s3cretPW") || json.err().contains("s3cretPW"), json.toString());

        Proc debug = clambake(project)
                .env("CLAMBAKE_DB_URL", "postgresql://postgres:s3cretPW@127.0.0.1:1/x?connectRetry=0")
                .run("inbox", "--debug");
        assertEquals(ExitCode.UNAVAILABLE, debug.code(), debug.toString());
        assertTrue(debug.err().contains("at io.clambake"), "--debug prints the stack trace:\n" + debug.err());
    }

    @Test
    void noDatabaseConfiguredAndNoEmbeddedServerPossibleExits5WithAOneLineHint() throws Exception {
        // With nothing configured Clambake would start its own server; a state directory it
        // cannot create is the case where it has nothing to use and must say what to set.
        Path emptyHome = Files.createDirectories(root.resolve("empty-home"));
        Proc none = clambake(project)
                .env("CLAMBAKE_DB_URL", null)
                .env("HOME", emptyHome.toString())
                .env("XDG_CONFIG_HOME", emptyHome.toString())
                .env("CLAMBAKE_HOME", "/dev/null/clambake-home")
                .run("inbox");
        none.assertFailsCleanly(ExitCode.UNAVAILABLE);
        assertTrue(none.err().contains("CLAMBAKE_DB_URL"), "the hint says what to set: " + none.err());
    }

    @Test
    void aPasswordFromPgpassLogsInAndARefusedOneExits5WithoutShowingIt() throws Exception {
        // The embedded server is the one PostgreSQL here that checks passwords (SCRAM).
        try (EmbeddedHome home = EmbeddedHome.create("clambake-password-")) {
            Runner starter = clambake(project).env("CLAMBAKE_DB_URL", null);
            home.variables().forEach(starter::env);
            String url = MAPPER.readTree(
                            starter.run("server", "start", "--json").assertOk().out())
                    .get("server")
                    .get("url")
                    .asText();
            assertFalse(url.contains(":" + serverPassword(home) + "@"), "the URL it prints has no password: " + url);

            Path pgpass = root.resolve("pgpass");
            Files.writeString(pgpass, "*:*:*:*:" + serverPassword(home) + "\n");
            Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
            clambake(project)
                    .env("CLAMBAKE_DB_URL", url)
                    .env("PGPASSFILE", pgpass.toString())
                    .run("status")
                    .assertOk();

            Files.writeString(pgpass, "*:*:*:*:wrong-pgpass-secret\n");
            Proc refused = clambake(project)
                    .env("CLAMBAKE_DB_URL", url)
                    .env("PGPASSFILE", pgpass.toString())
                    .run("status");
            refused.assertFailsCleanly(ExitCode.UNAVAILABLE);
            assertTrue(refused.err().contains("password authentication failed"), refused.toString());
            assertFalse(refused.err().contains("wrong-pgpass-secret"), refused.toString());

            Proc wrongVariable = clambake(project)
                    .env("CLAMBAKE_DB_URL", url)
                    .env("CLAMBAKE_DB_PASSWORD", "wrong-variable-secret")
                    .run("status", "--json");
            assertEquals(ExitCode.UNAVAILABLE, wrongVariable.code(), wrongVariable.toString());
            assertFalse(
                    (wrongVariable.out() + wrongVariable.err()).contains("wrong-variable-secret"),
                    wrongVariable.toString());

            clambake(project)
                    .env("CLAMBAKE_DB_URL", url)
                    .env("CLAMBAKE_DB_PASSWORD", serverPassword(home))
                    .run("status")
                    .assertOk();
        }
    }

    private static String serverPassword(EmbeddedHome home) throws IOException {
        Properties settings = new Properties();
        try (var reader = Files.newBufferedReader(home.dir().resolve("server.properties"))) {
            settings.load(reader);
        }
        return settings.getProperty("password");
    }

    @Test
    void aRefusedLoginExits5() throws Exception {
        Proc refused = clambake(project)
                .env("CLAMBAKE_DB_URL", "postgresql://no_such_role_xyz@" + serverAddress() + "/postgres")
                .run("inbox");
        refused.assertFailsCleanly(ExitCode.UNAVAILABLE);
        assertTrue(refused.err().contains("no_such_role_xyz"), refused.toString());
    }

    @Test
    void withJsonEveryErrorIsAlsoAJsonDocumentOnStdout() throws Exception {
        clambake(project)
                .run("send", "--json", "--to", me, "--type", "urgent", "--subject", "s")
                .assertJsonError(ExitCode.USAGE);
        clambake(project).run("inbox", "--json", "--no-such-option").assertJsonError(ExitCode.USAGE);
        clambake(project).run("read", "999999", "--json").assertJsonError(ExitCode.NOT_FOUND);
        Path fresh = Files.createDirectories(root.resolve("json-not-registered"));
        clambake(fresh).run("inbox", "--json").assertJsonError(ExitCode.NOT_REGISTERED);
        clambake(project)
                .env("CLAMBAKE_DB_URL", "postgresql://no_such_role_xyz@" + serverAddress() + "/postgres")
                .run("status", "--json")
                .assertJsonError(ExitCode.UNAVAILABLE);
    }

    @Test
    void debugPrintsTheStackTrace() throws Exception {
        Proc debug = clambake(project).run("read", "999999", "--debug");
        assertEquals(ExitCode.NOT_FOUND, debug.code(), debug.toString());
        assertTrue(debug.err().lines().count() > 1, debug.toString());
        assertTrue(debug.err().contains("at io.clambake"), debug.toString());
        assertTrue(debug.err().lines().findFirst().orElseThrow().startsWith("clambake read: "), debug.toString());
    }

    /** host:port of the test server, taken from the test database's URL. */
    private String serverAddress() {
        String url = db.url();
        String afterAt = url.substring(url.indexOf("://") + 3);
        afterAt = afterAt.substring(afterAt.indexOf('@') + 1);
        return afterAt.substring(0, afterAt.indexOf('/'));
    }

    private Runner clambake(Path dir) {
        return new Runner(dir);
    }

    /** One command line: working directory, environment (CLAMBAKE_* only as set here) and stdin. */
    private final class Runner {
        private final Path dir;
        private final Map<String, String> env = new HashMap<>();
        private String stdin = "";

        Runner(Path dir) {
            this.dir = dir;
            env.put("CLAMBAKE_DB_URL", db.url());
            env.put("CLAMBAKE_HOST", HOST);
            env.put("XDG_CONFIG_HOME", emptyConfig.toString());
        }

        Runner env(String name, String value) {
            env.put(name, value);
            return this;
        }

        Runner stdin(String text) {
            this.stdin = text;
            return this;
        }

        Proc run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(JAVA, "-jar", jar.toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            Map<String, String> environment = ChildEnvironment.isolate(pb.environment());
            // The launcher announces these on stderr, which would break the one-line checks.
            environment.keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
            env.forEach((k, v) -> {
                if (v == null) {
                    environment.remove(k);
                } else {
                    environment.put(k, v);
                }
            });
            Path out = Files.createTempFile(root, "out", ".txt");
            Path err = Files.createTempFile(root, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = pb.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("timed out: " + String.join(" ", args) + "\n--- err\n" + Files.readString(err));
            }
            return new Proc(
                    String.join(" ", args),
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    private record Proc(String command, int code, String out, String err) {
        Proc assertOk() {
            assertEquals(ExitCode.OK, code, this::toString);
            return this;
        }

        /** The exit code, exactly one line on stderr, no stack trace, nothing on stdout. */
        void assertFailsCleanly(int expected) {
            assertEquals(expected, code, this::toString);
            assertEquals(1, err.lines().count(), "stderr is exactly one line: " + this);
            assertTrue(err.endsWith("\n"), this::toString);
            assertFalse(err.contains("Exception"), this::toString);
            assertFalse(err.contains("at io.clambake"), this::toString);
            assertTrue(err.startsWith("clambake "), "the line names the command: " + this);
            assertEquals("", out, "text mode prints nothing on stdout on error: " + this);
        }

        /** As {@link #assertFailsCleanly} on stderr, plus {"error":{"exit_code":N,"message":...}} on stdout. */
        void assertJsonError(int expected) {
            assertEquals(expected, code, this::toString);
            assertEquals(1, err.lines().count(), "stderr is exactly one line: " + this);
            assertFalse(err.contains("Exception") || err.contains("at io.clambake"), this::toString);
            JsonNode error = json().get("error");
            assertTrue(error != null && error.isObject(), "an error document: " + this);
            assertEquals(expected, error.get("exit_code").asInt(), this::toString);
            String message = error.get("message").asText();
            assertFalse(message.isBlank(), this::toString);
            assertTrue(err.strip().endsWith(message), "the JSON message is the stderr line's: " + this);
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "clambake " + command + " -> exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
