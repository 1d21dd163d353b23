package io.clambake.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.config.Environment;
import io.clambake.domain.ExitCode;
import io.clambake.run.Runner;
import io.clambake.support.LauncherProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real bin/clambake against a resident server running in this JVM with a recording runner,
 * and against a stand-in for java: what a command sees and answers is the same both ways; the
 * launcher never sends anything to a process that cannot prove it is yours, never reads a
 * standard input the command does not read, and runs a command in a JVM of its own only when
 * nothing of it ran in the resident process.
 */
class LauncherClientTest {
    @TempDir
    Path tmp;

    private FakeJdk jdk;
    private Path home;
    private Path work;
    private final Recording runner = new Recording();
    private ResidentServer server;
    private Thread serving;

    @BeforeEach
    void setUp() throws IOException {
        jdk = new FakeJdk(tmp);
        home = Files.createDirectories(tmp.resolve("home"));
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.retire("test over");
            serving.join(10_000);
        }
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = jdk.baseEnvironment(home);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** Serves in this JVM as the resident process of the fake JDK and jar, with {@code own} as its environment. */
    private void serve(Map<String, String> own) throws Exception {
        server = new ResidentServer(
                jdk.identity(),
                jdk.stateDir(),
                Duration.ofMinutes(5),
                own,
                source -> runner,
                new PrintWriter(Writer.nullWriter()));
        Environment env = new Environment(Map.of(), tmp, home, InputStream.nullInputStream());
        serving = new Thread(() -> {
            try {
                server.serve(env);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        serving.start();
        for (int i = 0; i < 100 && jdk.stateDir().read(jdk.identity().key()).isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertTrue(jdk.stateDir().read(jdk.identity().key()).isPresent(), "the server wrote no state file");
    }

    @Test
    void aCommandSeesWhatItWouldSeeInAJvmOfItsOwn() throws Exception {
        Map<String, String> env = env();
        for (String name : variablesTheCodeReads()) {
            env.putIfAbsent(name, "value of " + name + " with spaces, 'quotes' and \u00e9");
        }
        env.put("CLAUDE_ENV_FILE", "relative/env-file");
        env.put("UNRELATED_VARIABLE", "not for clambake");
        Path linked = Files.createSymbolicLink(tmp.resolve("linked"), work);
        env.put("PWD", linked.toString()); // as a shell that cd'ed through the link says
        serve(env);
        String[] args = {"send", "--to", "@all", "--subject", "", "--body", "two\nlines \u00e9 \"q\" $HOME *"};

        LauncherProcess.Result resident =
                LauncherProcess.run(with(env, "CLAMBAKE_RESIDENT", "require"), linked, new byte[0], args);
        assertEquals(ExitCode.OK, resident.code(), resident::toString);
        LauncherProcess.run(with(env, "CLAMBAKE_RESIDENT", "off"), linked, new byte[0], "status");
        jdk.pretendArchived();
        jdk.forgetRuns();
        LauncherProcess.Result own =
                LauncherProcess.run(with(env, "CLAMBAKE_RESIDENT", "off"), linked, new byte[0], args);
        assertEquals("own jvm\n", own.out(), own::toString);

        Recording.Call seen = runner.only();
        FakeJdk.Run jvm = jdk.runs().get(0);
        assertEquals(jvm.command(), seen.args());
        assertEquals(jvm.cwd(), seen.cwd().toString());
        assertEquals(work.toRealPath().toString(), seen.cwd().toString());
        assertEquals(jvm.env().get("HOME"), seen.home().toString());
        assertEquals(jvm.ppid(), seen.callerPid());
        assertEquals(ProcessHandle.current().pid(), seen.callerPid());
        Set<String> compared = new TreeSet<>(variablesTheCodeReads());
        compared.addAll(seen.variables().keySet());
        compared.remove("CLAMBAKE_RESIDENT"); // the switch itself: require one way, off the other
        for (String name : compared) {
            assertEquals(jvm.env().get(name), seen.variables().get(name), name);
        }
        assertFalse(seen.variables().containsKey("UNRELATED_VARIABLE"));
    }

    @Test
    void everyVariableTheCodeReadsIsForwarded() throws IOException {
        List<String> patterns = forwardedPatterns();
        Set<String> missing = new TreeSet<>();
        Set<String> names = new TreeSet<>(variablesTheCodeReads());
        names.addAll(ResidentServer.PROCESS_VARIABLES);
        for (String name : names) {
            if (patterns.stream()
                    .noneMatch(
                            p -> p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p))) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "bin/clambake does not forward these to the resident process");
        assertTrue(names.containsAll(List.of("CLAMBAKE_DB_URL", "CLAUDE_ENV_FILE", "HOME", "PATH")), names::toString);
    }

    @Test
    void theLauncherStartsTheResidentProcessAsResidentStartDoes() throws IOException {
        Matcher flags = Pattern.compile("\nrflags=\\(([^)]*)\\)").matcher(Files.readString(FakeJdk.LAUNCHER));
        assertTrue(flags.find(), "bin/clambake has no rflags");
        assertEquals(Residents.JVM_OPTIONS, List.of(flags.group(1).trim().split("\\s+")));
    }

    @Test
    void outputAndExitCodeComeBackUnchanged() throws Exception {
        serve(env());
        String big = "0123456789abcdef\u00e9\u4e2d\n".repeat(20_000);
        runner.behaviour = (env, out, err, args) -> {
            out.print("first \u00e9 line\nno newline at the end");
            out.flush();
            err.println("clambake read: a complaint");
            err.flush();
            out.print(big);
            return ExitCode.NOT_FOUND;
        };
        LauncherProcess.Result result =
                LauncherProcess.run(env("CLAMBAKE_RESIDENT", "require"), work, new byte[0], "read", "7");
        assertEquals(ExitCode.NOT_FOUND, result.code());
        assertEquals("first \u00e9 line\nno newline at the end" + big, result.out());
        assertEquals("clambake read: a complaint\n", result.err());
    }

    @Test
    void standardInputIsSentOnlyWhenTheCommandReadsIt() throws Exception {
        serve(env());
        runner.behaviour = (env, out, err, args) -> {
            if (!args[0].equals("inbox")) {
                try {
                    byte[] all = env.stdin().readAllBytes();
                    out.print(all.length + " bytes, " + Arrays.hashCode(all));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            } else {
                out.print("did not read");
            }
            return 0;
        };
        // stdin left open, as on a terminal nobody types into: a command that does not read it returns
        LauncherProcess.Launch waiting = LauncherProcess.start(env("CLAMBAKE_RESIDENT", "require"), work, "inbox");
        LauncherProcess.Result notRead = waiting.finish(20);
        assertEquals("did not read", notRead.out(), notRead::toString);
        waiting.stdin().close();

        // every byte value; lengths with and without base64's padding
        for (int length : new int[] {1, 2, 3, 300_000, 300_001, 300_002}) {
            byte[] binary = new byte[length];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) (i * 31 + i / 256);
            }
            LauncherProcess.Result read =
                    LauncherProcess.run(env("CLAMBAKE_RESIDENT", "require"), work, binary, "send", "--body", "-");
            assertEquals(binary.length + " bytes, " + Arrays.hashCode(binary), read.out(), read::toString);
        }
        LauncherProcess.Result empty =
                LauncherProcess.run(env("CLAMBAKE_RESIDENT", "require"), work, new byte[0], "send", "--body", "-");
        assertEquals("0 bytes, 1", empty.out(), empty::toString);
    }

    @Test
    void aHookInputArrivesWholeWithoutItsNulBytes() throws Exception {
        serve(env());
        runner.behaviour = (env, out, err, args) -> {
            try {
                byte[] all = env.stdin().readAllBytes();
                out.print(all.length + " bytes, " + Arrays.hashCode(all));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return 0;
        };
        // every byte value but NUL, in lines and at lengths past any buffer, as a large PostToolUse input
        for (int length : new int[] {0, 1, 2, 4095, 4096, 300_001}) {
            byte[] text = new byte[length];
            for (int i = 0; i < text.length; i++) {
                text[i] = (byte) (1 + (i * 31 + i / 256) % 255);
            }
            LauncherProcess.Result read = LauncherProcess.run(env("CLAMBAKE_RESIDENT", "require"), work, text, "hook");
            assertEquals(text.length + " bytes, " + Arrays.hashCode(text), read.out(), read::toString);
        }
        // bash, which reads a hook's input, cannot hold a NUL byte (JSON never holds one raw)
        byte[] withNul = "{\"a\":\0\"b\"}\0".getBytes(StandardCharsets.UTF_8);
        byte[] without = "{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        LauncherProcess.Result read = LauncherProcess.run(env("CLAMBAKE_RESIDENT", "require"), work, withNul, "hook");
        assertEquals(without.length + " bytes, " + Arrays.hashCode(without), read.out(), read::toString);
    }

    @Test
    void thirtyTwoCommandsRunAtOnceAndAnotherStillAnswers() throws Exception {
        serve(env());
        CountDownLatch allIn = new CountDownLatch(32);
        CountDownLatch release = new CountDownLatch(1);
        runner.behaviour = (env, out, err, args) -> {
            if (args[0].equals("inbox")) {
                out.print("answered");
                return 0;
            }
            allIn.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return 1;
            }
            out.print("waited " + args[1]);
            return 0;
        };
        List<LauncherProcess.Launch> waiting = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            waiting.add(LauncherProcess.start(env("CLAMBAKE_RESIDENT", "require"), work, "wait", String.valueOf(i)));
        }
        assertTrue(allIn.await(60, TimeUnit.SECONDS), "not all 32 commands were running at once");
        LauncherProcess.Result other =
                LauncherProcess.run(env("CLAMBAKE_RESIDENT", "require"), work, new byte[0], "inbox");
        assertEquals("answered", other.out(), other::toString);
        release.countDown();
        for (int i = 0; i < 32; i++) {
            LauncherProcess.Result result = waiting.get(i).finish(60);
            assertEquals("waited " + i, result.out(), result::toString);
        }
    }

    @Test
    void aCallerThatGoesAwayInterruptsItsCommand() throws Exception {
        serve(env());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        runner.behaviour = (env, out, err, args) -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return 0;
        };
        LauncherProcess.Launch launch = LauncherProcess.start(env("CLAMBAKE_RESIDENT", "require"), work, "wait");
        assertTrue(started.await(30, TimeUnit.SECONDS));
        launch.process.destroy(); // as Claude Code ends a hook
        assertTrue(interrupted.await(30, TimeUnit.SECONDS), "the command went on without its caller");
    }

    @Test
    void verbsWithAJvmOfTheirOwnAndTheSwitchOffNeverReachTheResidentProcess() throws Exception {
        serve(env());
        for (String verb : ResidentServer.OWN_JVM) {
            LauncherProcess.Result result =
                    LauncherProcess.run(env("CLAMBAKE_RESIDENT", "require"), work, new byte[0], verb, "status");
            assertEquals("own jvm\n", result.out(), result::toString);
        }
        LauncherProcess.Result off = LauncherProcess.run(env("CLAMBAKE_RESIDENT", "off"), work, new byte[0], "inbox");
        assertEquals("own jvm\n", off.out(), off::toString);
        assertEquals(List.of(), runner.calls);
        assertTrue(jdk.runs().stream().noneMatch(FakeJdk.Run::spawnedResident));
        String launcher = Files.readString(FakeJdk.LAUNCHER);
        Matcher own = Pattern.compile("case \\$\\{1:-\\} in ([a-z |]+)\\) resident=off")
                .matcher(launcher);
        assertTrue(own.find(), "bin/clambake has no list of verbs with a JVM of their own");
        assertEquals(
                ResidentServer.OWN_JVM, Set.of(own.group(1).replace(" ", "").split("\\|")));
    }

    @Test
    void aCommandTheResidentProcessRefusesRunsInItsOwnJvm() throws Exception {
        serve(env("LANG", "en_US.UTF-8"));
        LauncherProcess.Result result = LauncherProcess.run(env(), work, new byte[0], "inbox");
        assertEquals("own jvm\n", result.out(), result::toString);
        assertEquals(List.of(), runner.calls);
        assertTrue(
                jdk.runs().stream().noneMatch(FakeJdk.Run::spawnedResident), "a refusal is no reason to start another");
    }

    @Test
    void noResidentProcessMeansAJvmOfItsOwnThenOneIsStarted() throws Exception {
        LauncherProcess.Result first = LauncherProcess.run(env(), work, new byte[0], "inbox");
        assertEquals("own jvm\n", first.out(), first::toString);
        List<FakeJdk.Run> runs = awaitRuns(2);
        assertEquals(
                List.of("inbox"),
                runs.stream()
                        .filter(r -> !r.spawnedResident())
                        .findFirst()
                        .orElseThrow()
                        .command());
        assertEquals(1, runs.stream().filter(FakeJdk.Run::spawnedResident).count(), runs::toString);
        Path dir = jdk.stateDir().dir();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        // a second command while that one is (said to be) starting starts no other
        LauncherProcess.Result second = LauncherProcess.run(env(), work, new byte[0], "inbox");
        assertEquals("own jvm\n", second.out());
        Thread.sleep(500);
        assertEquals(1, jdk.runs().stream().filter(FakeJdk.Run::spawnedResident).count());
    }

    @Test
    void aStateFileLeftByADeadProcessBlocksNothing() throws Exception {
        jdk.stateDir().ensure();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        jdk.stateDir().write(jdk.identity().key(), new StateDir.State(gone.pid(), 1, "a".repeat(64), "b".repeat(64)));
        LauncherProcess.Result result = LauncherProcess.run(env(), work, new byte[0], "inbox");
        assertEquals("own jvm\n", result.out(), result::toString);
        assertEquals(
                1, awaitRuns(2).stream().filter(FakeJdk.Run::spawnedResident).count());
    }

    /** A process on the port of a dead resident (another user's, say) learns the secret line and nothing else. */
    @Test
    void aProcessThatCannotProveItIsTheResidentLearnsNothing() throws Exception {
        for (String greeting : new String[] {"OK " + "c".repeat(64), null}) {
            jdk.forgetRuns();
            try (ServerSocket squatter = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                jdk.stateDir().ensure();
                jdk.stateDir()
                        .write(
                                jdk.identity().key(),
                                new StateDir.State(
                                        ProcessHandle.current().pid(),
                                        squatter.getLocalPort(),
                                        "a".repeat(64),
                                        "b".repeat(64)));
                LauncherProcess.Launch launch =
                        LauncherProcess.start(env(), work, "send", "--to", "x", "--subject", "secret plans");
                try (Socket s = squatter.accept()) {
                    s.setSoTimeout(20_000);
                    InputStream in = s.getInputStream();
                    String hello = line(in);
                    assertEquals("CLAMBAKE/1 " + "a".repeat(64), hello);
                    if (greeting != null) {
                        s.getOutputStream().write((greeting + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    LauncherProcess.Result result = launch.finish(30);
                    assertEquals("own jvm\n", result.out(), result::toString);
                    assertEquals(-1, in.read(), "the launcher sent more than its first line");
                }
            }
        }
    }

    @Test
    void httpWrongSecretsAndGarbageGetNothingAndRunNothing() throws Exception {
        serve(env());
        StateDir.State state = jdk.stateDir().read(jdk.identity().key()).orElseThrow();
        String[] attempts = {
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + state.port() + "\r\nOrigin: http://evil.example\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\nCLAMBAKE/1 " + state.secret()
                    + "\n",
            "CLAMBAKE/1 " + "0".repeat(64) + "\nrun\0",
            "CLAMBAKE/1 " + state.secret().substring(1) + "\n",
            "CLAMBAKE/1 " + state.secret() + "x\n",
            "x".repeat(100_000)
        };
        for (String attempt : attempts) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), state.port())) {
                s.setSoTimeout(20_000);
                try {
                    s.getOutputStream().write(attempt.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed on us mid-way: that is the answer
                }
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                try {
                    s.getInputStream().transferTo(answer);
                } catch (IOException e) {
                    // reset: nothing came
                }
                assertEquals("", answer.toString(StandardCharsets.ISO_8859_1), attempt);
            }
        }
        assertEquals(List.of(), runner.calls);
    }

    private List<FakeJdk.Run> awaitRuns(int count) throws Exception {
        for (int i = 0; i < 200; i++) {
            List<FakeJdk.Run> runs = jdk.runs();
            if (runs.size() >= count) {
                return runs;
            }
            Thread.sleep(50);
        }
        return jdk.runs();
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Every variable name src/main reads: {@code get("NAME")} on an Environment, {@code getenv("NAME")}. */
    static Set<String> variablesTheCodeReads() throws IOException {
        Pattern read = Pattern.compile("(?:\\.get|getenv)\\(\"([A-Z][A-Z0-9_]*)\"\\)");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/clambake"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = read.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** The launcher's forwarded names: {@code ${!PREFIX*}} as {@code PREFIX*}, and plain names. */
    static List<String> forwardedPatterns() throws IOException {
        Matcher loop = Pattern.compile("for name in (\\$\\{!CLAMBAKE_\\*\\}[^;]*); do")
                .matcher(Files.readString(FakeJdk.LAUNCHER));
        assertTrue(loop.find(), "bin/clambake has no loop over forwarded variables");
        List<String> patterns = new ArrayList<>();
        for (String word : loop.group(1).trim().split("\\s+")) {
            patterns.add(word.startsWith("${!") ? word.substring(3, word.length() - 1) : word);
        }
        return patterns;
    }

    /** Records each command and answers as the test says. */
    static final class Recording implements Runner {
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        volatile Runner behaviour = (env, out, err, args) -> 0;

        record Call(List<String> args, Map<String, String> variables, Path cwd, Path home, Long callerPid) {}

        @Override
        public int run(Environment env, PrintWriter out, PrintWriter err, String... args) {
            if (List.of(args).equals(List.of("--help"))) {
                return 0; // the server's warm-up
            }
            calls.add(new Call(List.of(args), env.variables(), env.cwd(), env.home(), env.callerPid()));
            return behaviour.run(env, out, err, args);
        }

        Call only() {
            assertEquals(1, calls.size(), calls::toString);
            return calls.get(0);
        }
    }
}
