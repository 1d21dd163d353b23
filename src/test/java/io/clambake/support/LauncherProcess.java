package io.clambake.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** bin/clambake run as a process with exactly the environment a test gives it. */
public final class LauncherProcess {
    public static final Path LAUNCHER = Path.of("bin/clambake").toAbsolutePath();

    private LauncherProcess() {}

    /**
     * The environment of a test's shell that runs the jar under test through bin/clambake: a
     * scratch HOME under {@code root}, this class archive cache, the test database, a host name of
     * the test's, and no way to reach the user's own state directory or configuration.
     */
    public static Map<String, String> shell(Path root, Path cache, String dbUrl, String host) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", root.resolve("home").toString());
        env.put("LANG", "C.UTF-8");
        env.put("CLAMBAKE_JAVA", Jar.java());
        env.put("CLAMBAKE_JAR", Jar.PATH.toString());
        env.put("CLAMBAKE_CACHE", cache.toString());
        env.put("CLAMBAKE_DB_URL", dbUrl);
        env.put("CLAMBAKE_HOST", host);
        env.put("CLAMBAKE_HOME", Cli.UNUSABLE_HOME);
        env.put("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        return env;
    }

    /** One launcher run's outcome. */
    public record Result(int code, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + code + " in " + millis + " ms\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** A started launcher, whose standard input the test holds. */
    public static final class Launch {
        public final Process process;
        private final long started = System.nanoTime();

        Launch(Process process) {
            this.process = process;
        }

        public OutputStream stdin() {
            return process.getOutputStream();
        }

        public Result finish(int seconds) {
            try {
                // read both streams to the end first: a full pipe would block the launcher
                var out = new CompletableFuture<byte[]>();
                var err = new CompletableFuture<byte[]>();
                new Thread(() -> complete(out, process.getInputStream())).start();
                new Thread(() -> complete(err, process.getErrorStream())).start();
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("bin/clambake still running after " + seconds + " s");
                }
                return new Result(
                        process.exitValue(),
                        new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                        new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                        (System.nanoTime() - started) / 1_000_000);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        private static void complete(CompletableFuture<byte[]> future, InputStream in) {
            try {
                future.complete(in.readAllBytes());
            } catch (IOException e) {
                future.completeExceptionally(e);
            }
        }
    }

    /** Starts bin/clambake with exactly {@code env}, in {@code dir}. */
    public static Launch start(Map<String, String> env, Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            return new Launch(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs bin/clambake to its end with {@code stdin} as its whole standard input. */
    public static Result run(Map<String, String> env, Path dir, byte[] stdin, String... args) {
        Launch launch = start(env, dir, args);
        try (OutputStream in = launch.stdin()) {
            in.write(stdin);
        } catch (IOException e) {
            // the command did not read it all
        }
        return launch.finish(60);
    }
}
