package io.clambake.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built jar (target/clambake.jar, made by `package` before failsafe runs the *IT classes), run as a process. */
public final class Jar {
    public static final Path PATH = Path.of("target", "clambake.jar").toAbsolutePath();

    private Jar() {}

    /** {@code java -jar clambake.jar ARGS} */
    public static List<String> command(String... args) {
        if (!Files.isRegularFile(PATH)) {
            throw new IllegalStateException(
                    PATH + " is missing: run `mvn verify`, which packages before integration tests");
        }
        List<String> command = new ArrayList<>(List.of(java(), "-jar", PATH.toString()));
        command.addAll(List.of(args));
        return command;
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code command} in {@code dir} with {@code env} added to the {@link ChildEnvironment}. */
    public static Result run(List<String> command, Path dir, Map<String, String> env, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        ChildEnvironment.isolate(builder.environment()).putAll(env);
        try {
            Path out = Files.createTempFile("clambake-out", ".txt");
            Path err = Files.createTempFile("clambake-err", ".txt");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            long started = System.nanoTime();
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after 60 s: " + command);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err), millis);
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public record Result(int code, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + code + " in " + millis + " ms\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
