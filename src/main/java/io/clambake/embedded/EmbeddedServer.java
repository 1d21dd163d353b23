package io.clambake.embedded;

import static io.clambake.embedded.ServerErrors.describe;
import static io.clambake.embedded.ServerErrors.failure;

import io.clambake.config.DatabaseSettings;
import io.clambake.config.Environment;
import io.clambake.domain.ClambakeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Clambake's own PostgreSQL server, the database when none is configured. It runs detached
 * from the command that started it, so every later command of this user on this machine finds
 * it through the state directory: the port in {@code data/postmaster.pid} while it runs, the
 * password in {@code server.properties}. Starting and stopping hold {@link ServerLock}, so any
 * number of commands starting it at once end with one server.
 */
public final class EmbeddedServer {
    public static final int DEFAULT_PORT = 54329;
    public static final String USER = "clambake";
    public static final String DATABASE = "postgres";
    private static final long START_RETRY_MILLIS = 20_000;
    private static final long LOG_ROTATE_BYTES = 10L << 20;
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Environment env;
    private final ServerHome home;

    public EmbeddedServer(Environment env) {
        this.env = env;
        this.home = ServerHome.of(env);
    }

    public ServerHome home() {
        return home;
    }

    public DatabaseSettings connectionSettings(String schema) {
        ServerStatus status = status();
        if (!status.running()) {
            status = start();
        }
        String password = ServerSettings.read(home).getProperty("password");
        if (password == null) {
            throw failure("its password is missing from " + home.settingsFile() + ": stop it, move " + home.dataDir()
                    + " away, and the next command creates a new, empty database");
        }
        return new DatabaseSettings("127.0.0.1", status.port(), DATABASE, USER, password, "", schema);
    }

    /**
     * Running means: postmaster.pid says ready, its process lives and its port accepts
     * connections. This is all a command pays when the server runs: two small file reads and a
     * loopback connect.
     */
    public ServerStatus status() {
        Optional<PidFile> pid = PidFile.read(home.pidFile());
        boolean running = pid.isPresent()
                && pid.get().ready()
                && pid.get().alive()
                && accepts(pid.get().port());
        int port = running ? pid.get().port() : preferredPort(readSettingsQuietly());
        return new ServerStatus(
                running,
                running ? pid.get().pid() : null,
                port,
                PostgresBinaries.VERSION,
                home.dir(),
                home.dataDir(),
                home.logFile());
    }

    public ServerStatus start() {
        return ServerLock.holding(home, this::startLocked);
    }

    /** Stops a running server (fast shutdown: open sessions are ended); false when none ran. */
    public boolean stop() {
        if (!Files.isDirectory(home.dir())) {
            return false;
        }
        return ServerLock.holding(home, this::stopLocked);
    }

    public Optional<String> runsAs() {
        try {
            return RunAs.detect(home.dataDir()).map(RunAs::user);
        } catch (ClambakeException e) {
            return Optional.empty();
        }
    }

    private ServerStatus startLocked() {
        ServerStatus current = status();
        if (current.running()) {
            return current;
        }
        Platform platform = Platform.current();
        Optional<RunAs> runAs = RunAs.detect(home.dataDir());
        checkDataDir(runAs);
        Path binaries = PostgresBinaries.ensureUnpacked(home.dir(), platform);
        Properties settings = ServerSettings.withPassword(home);
        initializeIfNeeded(binaries, platform, runAs, settings.getProperty("password"));
        prepareLog(runAs);
        removeStalePidFile();
        return launch(binaries, platform, runAs, settings);
    }

    /**
     * PostgreSQL takes a postmaster.pid whose pid is alive for a running server and refuses to
     * start. After a reboot that pid may name an unrelated process; its start time tells.
     */
    private void removeStalePidFile() {
        if (PidFile.read(home.pidFile()).filter(PidFile::reused).isPresent()) {
            try {
                Files.deleteIfExists(home.pidFile());
            } catch (IOException e) {
                throw failure("cannot remove the stale " + home.pidFile() + ": " + describe(e), e);
            }
        }
    }

    private boolean stopLocked() {
        Optional<PidFile> pid = PidFile.read(home.pidFile());
        if (pid.isEmpty() || !pid.get().alive()) {
            return false;
        }
        Platform platform = Platform.current();
        Path binaries = PostgresBinaries.ensureUnpacked(home.dir(), platform);
        Programs.Result result = Programs.run(
                home.dir(),
                RunAs.detect(home.dataDir()),
                List.of(
                        pgCtl(binaries, platform),
                        "stop",
                        "-D",
                        home.dataDir().toString(),
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        "60",
                        "-s"));
        if (result.code() != 0 && pid.get().alive()) {
            throw failure("cannot stop the server (pid " + pid.get().pid() + "): " + result.problem());
        }
        return true;
    }

    /** A data directory made elsewhere gets one clear line here rather than a puzzle in the server log. */
    private void checkDataDir(Optional<RunAs> runAs) {
        Path data = home.dataDir();
        if (!Files.isDirectory(data)) {
            return;
        }
        try {
            if (POSIX) {
                String owner = Files.getOwner(data).getName();
                String expected = runAs.map(RunAs::user).orElse(System.getProperty("user.name"));
                if (!owner.equals(expected)) {
                    throw failure(data + " belongs to " + owner + ", but the server runs as " + expected
                            + " (CLAMBAKE_HOME may name another user's directory)");
                }
            }
            if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
                if (!isEmpty(data)) {
                    throw failure(data + " is not empty but holds no PostgreSQL cluster (no PG_VERSION): "
                            + "move it away and the next command creates a new, empty one");
                }
                return;
            }
            String version = Files.readString(data.resolve("PG_VERSION")).trim();
            if (!version.equals(PostgresBinaries.MAJOR)) {
                throw failure(data + " holds a PostgreSQL " + version + " cluster, and this clambake runs PostgreSQL "
                        + PostgresBinaries.MAJOR + ": use a clambake with PostgreSQL " + version
                        + ", or move the directory away to start a new, empty one");
            }
        } catch (IOException e) {
            throw failure("cannot read its database in " + data + ": " + describe(e), e);
        }
    }

    /**
     * initdb into a scratch directory renamed into place when complete. Password login
     * (SCRAM) because every local user can reach 127.0.0.1, with one hashing iteration: the
     * password is 144 random bits, which stretching cannot make stronger, and the default 4096
     * cost every command 40-90 ms. The builtin C.UTF-8 locale behaves the same on every OS.
     */
    private void initializeIfNeeded(Path binaries, Platform platform, Optional<RunAs> runAs, String password) {
        Path data = home.dataDir();
        if (Files.isRegularFile(data.resolve("PG_VERSION"))) {
            return;
        }
        Path fresh = home.dir().resolve("data.initializing");
        Path passwordFile = home.dir().resolve("initdb.pw");
        try {
            PostgresBinaries.deleteQuietly(fresh);
            Files.createDirectory(fresh);
            ServerSettings.writePrivate(passwordFile, password + "\n");
            if (runAs.isPresent()) {
                runAs.get().own(fresh);
                runAs.get().own(passwordFile);
            }
            Programs.Result result = Programs.run(
                    home.dir(),
                    runAs,
                    List.of(
                            PostgresBinaries.program(binaries, platform, "initdb")
                                    .toString(),
                            "-D",
                            fresh.toString(),
                            "-U",
                            USER,
                            "--pwfile=" + passwordFile,
                            "--auth=scram-sha-256",
                            "--encoding=UTF8",
                            "--locale=C",
                            "--locale-provider=builtin",
                            "--builtin-locale=C.UTF-8",
                            "-c",
                            "listen_addresses=127.0.0.1",
                            "-c",
                            "unix_socket_directories=",
                            "-c",
                            "scram_iterations=1",
                            "--no-instructions"));
            if (result.code() != 0) {
                String why = result.problem();
                if (runAs.isPresent() && why.contains("Permission denied")) {
                    why += " (as root the server runs as " + runAs.get().user() + ", who must be able to enter every "
                            + "directory above " + home.dir() + ")";
                }
                throw failure("cannot create its database in " + data + ": " + why);
            }
            Files.deleteIfExists(data);
            Files.move(fresh, data, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure("cannot create its database in " + data + ": " + describe(e), e);
        } finally {
            PostgresBinaries.deleteQuietly(passwordFile);
            PostgresBinaries.deleteQuietly(fresh);
        }
    }

    /**
     * pg_ctl start, which detaches the postmaster from this process. A port someone else took
     * meanwhile moves it to the next free one; a killed server's processes still exiting make
     * it wait a little and try again.
     */
    private ServerStatus launch(Path binaries, Platform platform, Optional<RunAs> runAs, Properties settings) {
        List<Integer> tried = new ArrayList<>();
        int port = freePort(preferredPort(settings), tried);
        long retryUntil = System.currentTimeMillis() + START_RETRY_MILLIS;
        while (true) {
            long logStart = size(home.logFile());
            Programs.Result result = Programs.run(
                    home.dir(),
                    runAs,
                    List.of(
                            pgCtl(binaries, platform),
                            "start",
                            "-D",
                            home.dataDir().toString(),
                            "-l",
                            home.logFile().toString(),
                            "-w",
                            "-t",
                            "60",
                            "-s",
                            "-o",
                            "-p " + port));
            ServerStatus status = status();
            if (status.running()) {
                if (!String.valueOf(status.port()).equals(settings.getProperty("port"))) {
                    settings.setProperty("port", String.valueOf(status.port()));
                    ServerSettings.write(home, settings);
                }
                return status;
            }
            String log = readFrom(home.logFile(), logStart);
            if ((log.contains("could not bind") || log.contains("Address already in use")) && tried.size() < 20) {
                port = freePort(port + 1, tried);
            } else if ((log.contains("lock file") || log.contains("shared memory block"))
                    && System.currentTimeMillis() < retryUntil) {
                sleep(250);
            } else {
                String why = log.isBlank() ? result.problem() : Programs.problem(log, result.code());
                throw failure("did not start: " + why + " (log: " + home.logFile() + ")");
            }
        }
    }

    /** The preferred port if nothing listens there, else one of the next nine, else any free port. */
    private static int freePort(int preferred, List<Integer> tried) {
        for (int port = preferred; port < preferred + 10 && port <= 65535; port++) {
            if (!tried.contains(port) && canBind(port)) {
                tried.add(port);
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tried.add(socket.getLocalPort());
            return socket.getLocalPort();
        } catch (IOException e) {
            throw failure("no free TCP port on 127.0.0.1: " + describe(e), e);
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private int preferredPort(Properties settings) {
        String configured = env.get("CLAMBAKE_SERVER_PORT");
        String value = configured != null ? configured : settings.getProperty("port");
        if (value == null) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port > 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        if (configured != null) {
            throw ClambakeException.invalid(
                    "CLAMBAKE_SERVER_PORT must be a TCP port (1-65535), not '" + configured + "'");
        }
        return DEFAULT_PORT;
    }

    private Properties readSettingsQuietly() {
        try {
            return ServerSettings.read(home);
        } catch (ClambakeException e) {
            return new Properties();
        }
    }

    /** server.log is appended to by every start; past 10 MB the old part moves to server.log.1. */
    private void prepareLog(Optional<RunAs> runAs) {
        Path log = home.logFile();
        try {
            if (size(log) > LOG_ROTATE_BYTES) {
                Files.move(log, home.dir().resolve("server.log.1"), StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.exists(log)) {
                ServerSettings.writePrivate(log, "");
            }
            if (runAs.isPresent()) {
                runAs.get().own(log);
            }
        } catch (IOException e) {
            throw failure("cannot write its log " + log + ": " + describe(e), e);
        }
    }

    private static String pgCtl(Path binaries, Platform platform) {
        return PostgresBinaries.program(binaries, platform, "pg_ctl").toString();
    }

    private static String readFrom(Path file, long offset) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(Math.min(offset, channel.size()));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the server");
        }
    }
}
