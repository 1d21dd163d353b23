package io.clambake.daemon;

import io.clambake.config.DatabaseSettings;
import io.clambake.config.Environment;
import io.clambake.config.SettingsResolver;
import io.clambake.db.ConnectionSource;
import io.clambake.db.Database;
import io.clambake.db.Waiter;
import io.clambake.run.Runner;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The resident process: runs the launcher's commands in this warm JVM, each on a thread of its
 * own, with connections kept open between commands. Reached over loopback TCP; only its owner
 * can use it, because every connection must start with a secret read from a file only the owner
 * can read (compared in constant time), and nothing but that line is read before it matches, so
 * a browser's HTTP request, or another user, gets the connection closed and nothing else. The
 * process answers with a second secret from the same file before the launcher sends its command,
 * so a process that took over the port of a dead resident learns nothing.
 *
 * <p>It refuses, before anything runs, a command it would not answer as a JVM of the command's
 * own would (another jar or JDK, a rebuilt jar, another locale or libpq file), and the launcher
 * then runs that JVM: the answer is the same either way, only faster here.
 */
public final class ResidentServer {
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);
    /** Verbs that run in a JVM of their own even when a resident process is up (bin/clambake agrees). */
    public static final Set<String> OWN_JVM = Set.of("mcp", "server", "resident", "web");
    /**
     * Variables that the JVM or a library reads from the process itself rather than from the
     * command's Environment: a command whose values differ from this process's runs elsewhere.
     */
    static final List<String> PROCESS_VARIABLES =
            List.of("LANG", "LC_ALL", "LC_CTYPE", "PGPASSFILE", "PGSERVICEFILE", "PGSYSCONFDIR");

    static final String HELLO = "CLAMBAKE/1 ";
    static final int MAX_REQUESTS = 128;
    /**
     * Commands waiting for mail (inbox --wait, a Stop hook) at once, over {@link #MAX_REQUESTS}:
     * each holds a thread and a listening connection but no CPU and no pooled connection, and
     * does not count against the others' limit, so that a swarm of idle agents never makes
     * other commands fall back to JVMs of their own.
     */
    static final int MAX_WAITING = 256;

    private static final int SECRET_BYTES = 32;
    private static final long IDLE_CONNECTION_NANOS = Duration.ofMinutes(2).toNanos();

    private final Identity identity;
    private final StateDir dir;
    private final Duration idle;
    private final PrintWriter log;
    private final Map<String, String> ownVariables;
    private final Connections connections = new Connections();
    private final Runner runner;
    private final String secret;
    private final String token;
    private final Instant started = Instant.now();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final ThreadPoolExecutor workers;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean retired;
    private volatile boolean stopNow;
    private ServerSocket socket;
    private FileChannel lockFile;
    private FileLock lock;

    /**
     * {@code runners}: the in-process runner whose verbs take connections from this process;
     * {@code ownVariables}: this process's environment, against which commands are compared.
     */
    public ResidentServer(
            Identity identity,
            StateDir dir,
            Duration idle,
            Map<String, String> ownVariables,
            Function<ConnectionSource, Runner> runners,
            PrintWriter log) {
        this.identity = identity;
        this.dir = dir;
        this.idle = idle;
        this.ownVariables = ownVariables;
        this.log = log;
        this.runner = runners.apply(connections);
        SecureRandom random = new SecureRandom();
        this.secret = randomHex(random);
        this.token = randomHex(random);
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                0, 2 * (MAX_REQUESTS + MAX_WAITING) + 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "clambake-resident-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Serves until idle for the configured time, told to stop, or replaced; false at once when
     * another process already serves this jar and JDK.
     */
    public boolean serve(Environment env) throws IOException, InterruptedException {
        dir.ensure();
        if (!claim()) {
            return false;
        }
        try {
            socket = new ServerSocket(0, MAX_REQUESTS, InetAddress.getLoopbackAddress());
            dir.write(key(), new StateDir.State(ProcessHandle.current().pid(), socket.getLocalPort(), secret, token));
            Files.deleteIfExists(dir.starting(key()));
        } catch (IOException | RuntimeException e) {
            retire("could not start: " + e);
            throw e;
        }
        Thread onSignal = new Thread(() -> retire("stopped by a signal"), "clambake-resident-exit");
        Runtime.getRuntime().addShutdownHook(onSignal);
        say("serving " + identity.jar() + " on 127.0.0.1:" + socket.getLocalPort() + ", idle exit after " + idle);
        Thread timer = new Thread(this::watchIdle, "clambake-resident-idle");
        timer.setDaemon(true);
        timer.start();
        Thread checker = new Thread(this::keepConnectionsChecked, "clambake-resident-connections");
        checker.setDaemon(true);
        checker.start();
        workers.execute(() -> warmUp(env));
        acceptUntilRetired();
        workers.shutdown();
        // Commands running go on to their end (told to stop: 2 s); a watcher still waiting for a
        // caller that got its exit code but has not closed yet keeps nothing alive.
        long stopBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (inFlight.get() > 0 && (!stopNow || System.nanoTime() < stopBy)) {
            Thread.sleep(50);
        }
        connections.close();
        say("exited after " + served.get() + " commands");
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        return true;
    }

    String key() {
        return identity.key();
    }

    private void acceptUntilRetired() {
        while (!retired) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (!retired) {
                    say("accept failed: " + e);
                }
                continue;
            }
            int waiting = Waiter.waiting();
            if (inFlight.get() - waiting >= MAX_REQUESTS || waiting >= MAX_WAITING) {
                closeQuietly(client); // the launcher runs the command in a JVM of its own
                continue;
            }
            try {
                workers.execute(() -> handle(client));
            } catch (RejectedExecutionException e) {
                closeQuietly(client);
            }
        }
    }

    private void handle(Socket client) {
        boolean handedOver = false;
        try {
            client.setTcpNoDelay(true);
            client.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            if (!authenticated(in)) {
                return;
            }
            out.write(("OK " + token + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            QuickAcks.request(client);
            Request request = Request.read(in);
            switch (request.kind()) {
                case "run" -> handedOver = run(client, in, out, request);
                case "stats" -> answer(out, stats());
                case "stop" -> {
                    answer(out, "stopping\n");
                    stopNow = true;
                    retire("told to stop");
                }
                default -> out.write("R unknown\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException | RuntimeException e) {
            // a caller that went away, or sent something else than a request: nothing ran
        } finally {
            if (!handedOver) {
                closeQuietly(client);
            }
        }
    }

    /** Reads only the first line, at most its expected length, so that nothing else is parsed before the secret matched. */
    private boolean authenticated(InputStream in) throws IOException {
        byte[] expected = (HELLO + secret).getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[expected.length];
        int n = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (n == line.length) {
                return false;
            }
            line[n++] = (byte) b;
        }
        return b == '\n' && n == line.length && MessageDigest.isEqual(expected, line);
    }

    /** Runs one command; true when the watcher took over the connection (and closes it). */
    private boolean run(Socket client, InputStream in, OutputStream out, Request request) throws IOException {
        String refusal = refusal(request);
        if (refusal != null) {
            out.write(("R " + refusal + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (refusal.equals("stale")) {
                retire("the jar or the JDK changed on disk");
            }
            return false;
        }
        inFlight.incrementAndGet();
        lastActivity = System.nanoTime();
        Exchange exchange = new Exchange(client, in, out);
        try {
            Environment env = new Environment(
                    request.variables(),
                    Path.of(request.cwd()).toRealPath(),
                    home(request.variables()),
                    exchange.stdin(),
                    request.callerPid());
            exchange.accepted();
            client.setSoTimeout(0);
            workers.execute(exchange::watch);
            PrintWriter stdout = exchange.writer('O');
            PrintWriter stderr = exchange.writer('E');
            int code;
            try {
                code = runner.run(env, stdout, stderr, request.args().toArray(String[]::new));
            } catch (RuntimeException | Error e) {
                say("command failed: " + e);
                stderr.println("clambake: unexpected error in the resident process: " + e);
                code = 1;
            }
            stdout.flush();
            stderr.flush();
            exchange.closeStdin();
            exchange.exit(code);
            return true;
        } finally {
            Thread.interrupted(); // a caller that went away interrupted this thread; the next command starts clean
            served.incrementAndGet();
            lastActivity = System.nanoTime();
            inFlight.decrementAndGet();
        }
    }

    /** Why this process must not run the command (the launcher then runs it in a JVM of its own), or null. */
    private String refusal(Request request) {
        if (retired || !identity.unchanged()) {
            return "stale";
        }
        if (!identity.java().equals(request.java()) || !identity.jar().equals(request.jar())) {
            return "identity";
        }
        if (!request.args().isEmpty() && OWN_JVM.contains(request.args().get(0))) {
            return "own-jvm";
        }
        for (String name : PROCESS_VARIABLES) {
            if (!Objects.equals(
                    blankToNull(ownVariables.get(name)),
                    blankToNull(request.variables().get(name)))) {
                return "environment " + name;
            }
        }
        try {
            if (!Files.isDirectory(Path.of(request.cwd()))) {
                return "directory";
            }
        } catch (InvalidPathException e) {
            return "directory";
        }
        return null;
    }

    private static Path home(Map<String, String> variables) {
        String home = variables.get("HOME");
        return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home);
    }

    private String stats() {
        return "pid=" + ProcessHandle.current().pid() + "\nport=" + socket.getLocalPort() + "\nstarted=" + started
                + "\nidle_exit=" + idle + "\nrequests=" + served.get() + "\nin_flight=" + (inFlight.get())
                + "\nwaiting=" + Waiter.waiting()
                + "\nidle_connections=" + connections.idleCount() + "\njava=" + identity.java() + "\njar="
                + identity.jar() + "\n" + Memory.ofThisProcess();
    }

    private static void answer(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(("A\nO " + bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("X 0\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * Keeps the connections of the last minute's commands known good, off the commands' path: a
     * command then gets one without a round trip to check it (see {@link Connections}).
     */
    private void keepConnectionsChecked() {
        long every = Connections.CHECK_AFTER_NANOS / 4;
        while (!retired) {
            try {
                TimeUnit.NANOSECONDS.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            connections.checkRecent(TimeUnit.MINUTES.toNanos(1), Connections.CHECK_AFTER_NANOS / 2);
        }
    }

    private void watchIdle() {
        long check = Math.max(100, Math.min(5_000, idle.toMillis() / 4));
        while (!retired) {
            try {
                Thread.sleep(check);
            } catch (InterruptedException e) {
                return;
            }
            connections.closeIdle(IDLE_CONNECTION_NANOS);
            if (inFlight.get() == 0 && System.nanoTime() - lastActivity > idle.toNanos()) {
                retire("idle for " + idle);
            }
        }
    }

    /** Loads the verbs and opens a connection to the configured database, so that the first command is warm too. */
    private void warmUp(Environment env) {
        try {
            runner.capture(env.withStdin(InputStream.nullInputStream()), "--help");
            SettingsResolver resolver = new SettingsResolver(env);
            if (resolver.urlSource(null).isPresent()) {
                DatabaseSettings settings = resolver.resolve(null, schema -> null);
                Connection connection = connections.connect(() -> settings);
                Database.now(connection);
                connections.release(connection);
            }
        } catch (Exception e) {
            say("warm-up: " + e.getMessage());
        }
    }

    /**
     * Gives up the state file (the launcher stops coming) and the port; commands running go on
     * to their end. Once only, and the file is deleted only while it still names this process:
     * a successor may already have written its own.
     */
    synchronized void retire(String why) {
        if (retired) {
            return;
        }
        retired = true;
        say("retiring: " + why);
        try {
            if (dir.read(key()).map(s -> s.token().equals(token)).orElse(false)) {
                Files.deleteIfExists(dir.state(key()));
            }
        } catch (IOException e) {
            say("could not delete " + dir.state(key()) + ": " + e);
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** One process per jar and JDK owns the state file: the lock goes with the process, even when killed. */
    private boolean claim() throws IOException {
        lockFile = FileChannel.open(dir.lock(key()), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            lockFile = null;
            return false;
        }
        return true;
    }

    private void say(String message) {
        log.println(
                Instant.now() + " clambake resident " + ProcessHandle.current().pid() + ": " + message);
        log.flush();
    }

    private static String randomHex(SecureRandom random) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to tell anyone
        }
    }
}
