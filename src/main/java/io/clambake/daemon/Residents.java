package io.clambake.daemon;

import io.clambake.config.Environment;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@code clambake resident start|stop|status} does with this user's resident processes. */
public final class Residents {
    /**
     * The resident process's JVM options, the same as bin/clambake's {@code rflags} (a test keeps
     * them equal): C1 only and the serial collector, for a small footprint on few cores.
     */
    public static final List<String> JVM_OPTIONS = List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-Xss1m",
            "-Xmx64m",
            "-XX:MaxMetaspaceSize=96m",
            "-XX:ReservedCodeCacheSize=32m",
            "-Xlog:disable");

    private static final Duration READY_WITHIN = Duration.ofSeconds(20);
    private static final Duration STOPPED_WITHIN = Duration.ofSeconds(5);

    private final Environment env;
    private final StateDir dir;

    public Residents(Environment env) {
        this.env = env;
        this.dir = StateDir.of(env);
    }

    public Path dir() {
        return dir.dir();
    }

    /** One resident process that answered, with what it says of itself. */
    public record Resident(long pid, int port, Map<String, String> stats, Path log) {}

    /** The processes that answer now, one per jar and JDK in use. */
    public List<Resident> list() throws IOException {
        List<Resident> residents = new ArrayList<>();
        for (String key : dir.keys()) {
            Optional<StateDir.State> state = dir.read(key);
            if (state.isEmpty()) {
                continue;
            }
            Identity claimed = new Identity("", "", "");
            ResidentClient.ask(state.get(), claimed, "stats")
                    .ifPresent(stats -> residents.add(
                            new Resident(state.get().pid(), state.get().port(), stats, dir.log(key))));
        }
        return residents;
    }

    /** Starts the resident process of this JVM and jar unless it runs; empty when it did not come up in time. */
    public Optional<Resident> start(Identity identity, Duration idle) throws IOException, InterruptedException {
        Optional<Resident> running = answering(identity);
        if (running.isPresent()) {
            return running;
        }
        dir.ensure();
        List<String> command = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            command.add(setsid.toString()); // out of this terminal's session: closing it must not end the process
        }
        command.add(identity.java());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-jar", identity.jar(), "resident", "serve", "--idle", idle.toSeconds() + "s"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(
                        ProcessBuilder.Redirect.appendTo(dir.log(identity.key()).toFile()));
        builder.environment().putAll(env.variables());
        // JVM options from the environment would apply to every command the process runs
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
        builder.start();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            running = answering(identity);
            if (running.isPresent()) {
                return running;
            }
        }
        return Optional.empty();
    }

    /** Stops every resident process of this user; returns how many there were. */
    public int stop() throws IOException, InterruptedException {
        int stopped = 0;
        for (String key : dir.keys()) {
            Optional<StateDir.State> state = dir.read(key);
            if (state.isEmpty()) {
                continue;
            }
            Optional<ProcessHandle> process = ProcessHandle.of(state.get().pid());
            boolean asked = ResidentClient.ask(state.get(), new Identity("", "", ""), "stop")
                    .isPresent();
            // one that does not answer (hung) is ended when it is recognisably a resident process
            boolean ours = asked || process.map(Residents::isResident).orElse(false);
            if (ours) {
                stopped++;
                if (process.isPresent() && !awaitExit(process.get())) {
                    process.get().destroy();
                    if (!awaitExit(process.get())) {
                        process.get().destroyForcibly();
                    }
                }
            }
            removeIfAbandoned(key);
        }
        return stopped;
    }

    private Optional<Resident> answering(Identity identity) {
        String key = identity.key();
        return dir.read(key)
                .flatMap(state -> ResidentClient.ask(state, identity, "stats")
                        .map(stats -> new Resident(state.pid(), state.port(), stats, dir.log(key))));
    }

    /** A state file whose process is gone (killed, crashed): nobody holds its lock. */
    private void removeIfAbandoned(String key) throws IOException {
        Path lockPath = dir.lock(key);
        if (!Files.exists(lockPath)) {
            Files.deleteIfExists(dir.state(key));
            return;
        }
        try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                Files.deleteIfExists(dir.state(key));
                lock.release();
            }
        } catch (OverlappingFileLockException e) {
            // held by this very process (a test serving in-process)
        }
    }

    private static boolean isResident(ProcessHandle process) {
        List<String> args = List.of(process.info().arguments().orElse(new String[0]));
        return process.isAlive() && args.contains("resident") && args.contains("serve");
    }

    private static boolean awaitExit(ProcessHandle process) throws InterruptedException {
        long deadline = System.nanoTime() + STOPPED_WITHIN.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return !process.isAlive();
    }
}
