package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.cli.Clambake;
import io.clambake.domain.ExitCode;
import io.clambake.support.DatabaseTest;
import io.clambake.support.HookPayloads;
import io.clambake.support.LauncherProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every verb both ways through bin/clambake: in a JVM of its own (CLAMBAKE_RESIDENT=off) and in
 * the resident process (CLAMBAKE_RESIDENT=require, which fails rather than fall back), each way
 * against a schema of its own that the same commands brought to the same state. Stdout, stderr
 * and exit codes must be the same, times, ages and process ids aside. The verbs come from the
 * root command, so a new verb without a case here fails the test.
 */
class ResidentParityIT extends DatabaseTest {
    private static final String MODE = "@MODE@";
    private static final Map<String, String> MODES = new LinkedHashMap<>();

    static {
        MODES.put("ownjvmx7", "off");
        MODES.put("residentx7", "require");
    }

    private Path root;
    private Path work;
    private Path cache;
    private final List<Case> cases = new ArrayList<>();

    /** One command line; {@code @MODE@} in its arguments or variables becomes the way's name. */
    private final class Case {
        final List<String> args;
        String stdin = "";
        final Map<String, String> env = new HashMap<>();
        String dir = "work";

        Case(String... args) {
            this.args = List.of(args);
            cases.add(this);
        }

        Case stdin(String text) {
            stdin = text;
            return this;
        }

        Case env(String name, String value) {
            env.put(name, value);
            return this;
        }

        Case in(String directory) {
            dir = directory;
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", args)
                    + (stdin.isEmpty()
                            ? ""
                            : " <<< " + stdin.lines().findFirst().orElse(""))
                    + (env.isEmpty() ? "" : " " + env);
        }
    }

    @BeforeAll
    void setUp() throws IOException {
        root = Files.createTempDirectory("clambake-parity");
        work = Files.createDirectories(root.resolve("work"));
        Files.createDirectories(root.resolve("elsewhere"));
        Files.createDirectories(root.resolve("home"));
        cache = root.resolve("cache");
    }

    @AfterAll
    void tearDown() throws IOException {
        LauncherProcess.run(env("ownjvmx7"), work, new byte[0], "resident", "stop");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Map<String, String> env(String mode) {
        Map<String, String> env = LauncherProcess.shell(root, cache, db.url(), "parity-host");
        env.put("CLAMBAKE_SCHEMA", "parity_" + mode);
        env.put("CLAMBAKE_RESIDENT", MODES.get(mode));
        return env;
    }

    private void table() {
        String session = "parity-session";
        String cwd = work.toString();
        new Case("--version");
        new Case("--help");
        new Case();
        new Case("frobnicate");
        new Case("register", "--project", "parity", "--name", "alpha");
        new Case("register", "--project", "parity", "--name", "alpha", "--json");
        new Case("register", "--project", "parity", "--name", "beta", "--dir", "sub");
        new Case("register", "--project", "bad project");
        new Case("register", "--help");
        new Case("heartbeat", "--task", "parity \u00e9 \"testing\"");
        new Case("heartbeat", "--task", "", "--json");
        new Case("heartbeat", "--as", "nobody");
        new Case("send", "--to", "beta", "--subject", "hello", "--body", "-")
                .stdin("body from stdin\nline two \u00e9\n");
        new Case("send", "--to", "@all", "--type", "warning", "--subject", "restart", "--json");
        new Case("send", "--to", "@project:parity", "--type", "blocker", "--subject", "editing", "--body", "b");
        new Case("send", "--to", "nobody", "--subject", "x");
        new Case("send", "--to", "beta", "--subject", "");
        new Case("send", "--to", "beta", "--subject", "x", "--type", "shout", "--json");
        new Case("send", "--to", "beta", "--subject", "x", "--ttl", "soon");
        new Case("status");
        new Case("status", "--json", "--limit", "5");
        new Case("status", "--project", "nowhere");
        new Case("inbox", "--as", "beta");
        new Case("inbox", "--as", "beta", "--json");
        new Case("inbox", "--limit", "0");
        new Case("inbox", "--as", "nobody");
        new Case("inbox").in("elsewhere");
        new Case("inbox", "--json").in("elsewhere");
        new Case("inbox", "--db-url", "postgresql://postgres@127.0.0.1:1/none?connectRetry=0");
        new Case("inbox", "--json", "--db-url", "postgresql://postgres@127.0.0.1:1/none?connectRetry=0");
        new Case("inbox", "--db-url", "mysql://nope");
        new Case("inbox").env("CLAMBAKE_SCHEMA", "Bad-Schema");
        new Case("read", "1", "--as", "beta");
        new Case("read", "--next", "--as", "beta", "--json");
        new Case("read", "999");
        new Case("read", "--json", "999");
        new Case("read", "x");
        new Case("read", "--next", "--as", "beta", "--wait", "1s", "--json");
        new Case("read", "1", "--wait", "1s");
        new Case("inbox", "--as", "beta", "--wait", "1s");
        new Case("send", "--as", "beta", "--reply-to", "1", "--body", "a reply");
        new Case("send", "--reply-to", "999", "--body", "nothing to answer");
        new Case("thread", "1", "--as", "beta");
        new Case("thread", "1", "--json");
        new Case("thread", "999");
        new Case("ack", "1", "--as", "beta", "--json");
        new Case("ack", "2");
        new Case("close", "1", "--as", "beta");
        new Case("close", "3");
        new Case("close", "3", "--json");
        new Case("search", "hello", "--as", "beta");
        new Case("search", "editing", "--json");
        new Case("search", "x", "--limit", "0");
        new Case("lease", "src/app.py", "--reason", "parity", "--ttl", "1h");
        new Case("lease", "--resource", "docker", "--shared", "--json");
        new Case("lease", "--resource", "docker", "--as", "beta");
        new Case("lease", "--resource", "docker", "--as", "beta", "--json");
        new Case("lease", "/etc/passwd");
        new Case("leases");
        new Case("leases", "--json", "--mine");
        new Case("guard", "--project", "parity");
        new Case("release", "src/app.py");
        new Case("release", "--resource", "never-leased");
        new Case("release", "--all", "--json");
        new Case("remember", "--type", "gotcha", "--title", "stdin memory", "--content", "-")
                .stdin("content from stdin about deadlocks\n");
        new Case("remember", "--global", "--type", "lesson", "--title", "global one", "--content", "c", "--json");
        new Case("remember", "--type", "lesson", "--title", "t", "--content", "c");
        new Case("recall");
        new Case("recall", "--search", "deadlock", "--full");
        new Case("recall", "--global", "--json");
        new Case("recall", "--status", "weird");
        new Case("update-memory", "1", "--status", "resolved");
        new Case("update-memory", "1", "--content", "-", "--json").stdin("new content\n");
        new Case("update-memory", "99", "--status", "resolved");
        new Case("log", "--action", "parity", "--summary", "did it");
        new Case("log", "--action", "parity", "--summary", "x", "--json");
        new Case("log", "--action", "", "--summary", "x");
        new Case("cleanup");
        new Case("cleanup", "--json", "--stale-after", "2h");
        new Case("cleanup", "--stale-after", "nonsense");
        new Case("hook", "--project", "parity")
                .stdin(HookPayloads.payload("session-start", session, cwd))
                .env("CLAUDE_ENV_FILE", "env-" + MODE);
        new Case("send", "--as", "beta", "--to", "alpha", "--type", "request", "--subject", "review please");
        new Case("hook", "--project", "parity").stdin(HookPayloads.payload("user-prompt-submit", session, cwd));
        new Case("hook", "--project", "parity").stdin(HookPayloads.payload("user-prompt-submit", session, cwd));
        new Case("hook", "--project", "parity").stdin(HookPayloads.payload("post-tool-use", session, cwd));
        new Case("hook", "--project", "parity").stdin("this is not JSON");
        new Case("hook", "--project", "parity").stdin("{\"hook_event_name\": \"Unknown\", \"session_id\": \"s\"}");
        new Case("hook", "--project", "parity", "--db-url", "postgresql://postgres@127.0.0.1:1/none?connectRetry=0")
                .stdin(HookPayloads.payload("session-start", "down", cwd));
        new Case("hook", "--project", "parity", "--stop-wait", "1s").stdin(HookPayloads.payload("stop", session, cwd));
        new Case("hook", "--project", "parity").stdin(HookPayloads.payload("session-end", session, cwd));
        new Case("init", "--dry-run", "--dir", "init-" + MODE, "--project", "parity");
        new Case("init", "--dir", "init-" + MODE, "--project", "parity", "--json");
        new Case("init", "--dir", "init-" + MODE, "--project", "parity");
        new Case("deregister", "--as", "beta");
        new Case("deregister", "--as", "beta", "--json");
        new Case("server", "status").env("CLAMBAKE_HOME", "server-home");
        new Case("server", "bogus");
        new Case("mcp", "--help");
        new Case("web", "--help");
        new Case("resident", "--help");
        new Case("resident", "sideways");
    }

    @Test
    void everyVerbAnswersTheSameBothWays() throws Exception {
        table();
        Set<String> covered = new TreeSet<>();
        cases.forEach(
                c -> c.args.stream().findFirst().filter(a -> !a.startsWith("-")).ifPresent(covered::add));
        Set<String> missing = new TreeSet<>(Clambake.verbs());
        missing.removeAll(covered);
        assertEquals(Set.of(), missing, "verbs without a case in this table");

        LauncherProcess.Result started =
                LauncherProcess.run(env("residentx7"), work, new byte[0], "resident", "start", "--idle", "10m");
        assertEquals(ExitCode.OK, started.code(), started::toString);

        List<String> differences = new ArrayList<>();
        int residentRuns = 0;
        for (Case c : cases) {
            Map<String, LauncherProcess.Result> results = new LinkedHashMap<>();
            for (String mode : MODES.keySet()) {
                Map<String, String> env = env(mode);
                c.env.forEach((name, value) -> env.put(name, value.replace(MODE, mode)));
                String[] args = c.args.stream().map(a -> a.replace(MODE, mode)).toArray(String[]::new);
                results.put(
                        mode,
                        LauncherProcess.run(env, root.resolve(c.dir), c.stdin.getBytes(StandardCharsets.UTF_8), args));
            }
            LauncherProcess.Result own = results.get("ownjvmx7");
            LauncherProcess.Result resident = results.get("residentx7");
            if (own.code() != resident.code()
                    || !normal(own.out(), "ownjvmx7").equals(normal(resident.out(), "residentx7"))
                    || !normal(own.err(), "ownjvmx7").equals(normal(resident.err(), "residentx7"))) {
                differences.add(c + "\n=== own JVM: " + own + "\n=== resident: " + resident);
                System.err.println("DIFFERENT: " + c);
            }
            residentRuns++;
        }
        assertEquals(List.of(), differences);
        assertEquals(Files.readString(work.resolve("env-ownjvmx7")), Files.readString(work.resolve("env-residentx7")));
        assertTrue(Files.readString(work.resolve("env-residentx7")).contains("CLAMBAKE_INSTANCE=alpha"));
        assertTrue(residentRuns >= Clambake.verbs().size());
    }

    /**
     * Without what differs from run to run: times, ages, process ids, the way's own names, the
     * count of jittered retries, and the padding of table columns (an age of "just now" in one way
     * and "5s ago" in the other widens a column by two).
     */
    private static String normal(String text, String mode) {
        return text.replace(mode, MODE)
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>")
                .replaceAll("just now|\\d+[smhd] ago|in \\d+[smhd]", "<age>")
                .replaceAll("pid \\d+", "pid <n>")
                .replaceAll("\"pid\":\\d+", "\"pid\":<n>")
                .replaceAll("\\d+ attempts in ", "<n> attempts in ")
                .replaceAll(" {2,}", " ");
    }
}
