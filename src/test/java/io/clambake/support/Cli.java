package io.clambake.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clambake.cli.CommandRunner;
import io.clambake.config.Environment;
import io.clambake.run.Outcome;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the real CLI entry point in-process as if from a shell with the given variables and
 * working directory, the way one agent session would. Thread-safe: each run is its own CommandLine.
 */
public final class Cli {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Not even root can create it: a test that unsets the database URL never starts a real embedded server. */
    public static final String UNUSABLE_HOME = "/dev/null/clambake-test-home";

    private static final Path NO_HOME = Path.of("/nonexistent-home");

    private final Map<String, String> env;
    private final Path cwd;
    private final Path home;

    public Cli(Map<String, String> env, Path cwd) {
        this(env, cwd, NO_HOME);
    }

    private Cli(Map<String, String> env, Path cwd, Path home) {
        this.env = Map.copyOf(isolated(env));
        this.cwd = cwd;
        this.home = home;
    }

    /** No in-process run may reach the user's own embedded server: a test that wants one names its home. */
    private static Map<String, String> isolated(Map<String, String> env) {
        Map<String, String> copy = new HashMap<>(env);
        copy.putIfAbsent("CLAMBAKE_HOME", UNUSABLE_HOME);
        return copy;
    }

    /** A shell on {@code host} in {@code dir}, configured for {@code db} with schema {@code clambake}. */
    public static Cli shell(TestDatabase db, String host, String dir) {
        Map<String, String> env = new HashMap<>();
        env.put("CLAMBAKE_DB_URL", db.url());
        env.put("CLAMBAKE_HOST", host);
        // Every shell is one machine unless a test says otherwise; none reads or writes a stored id.
        env.put("CLAMBAKE_MACHINE_ID", "test-machine");
        env.put("XDG_CONFIG_HOME", "/nonexistent-clambake-test-config");
        env.put("CLAMBAKE_HOME", UNUSABLE_HOME);
        return new Cli(env, Path.of(dir));
    }

    public Cli in(String dir) {
        return new Cli(env, Path.of(dir), home);
    }

    /** The same shell with {@code home} as the user's home directory. */
    public Cli home(Path home) {
        return new Cli(env, cwd, home);
    }

    public Cli with(String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new Cli(copy, cwd, home);
    }

    public Result run(String... args) {
        return runWithStdin("", args);
    }

    public Result runWithStdin(String stdin, String... args) {
        return runWithStdin(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    /** Standard input as raw bytes, which need not be valid UTF-8. */
    public Result runWithStdin(byte[] stdin, String... args) {
        return run(new CommandRunner(), stdin, args);
    }

    /** Runs the command through {@code runner}, as a long-lived process that keeps it would. */
    public Result runWith(CommandRunner runner, String... args) {
        return run(runner, new byte[0], args);
    }

    private Result run(CommandRunner runner, byte[] stdin, String... args) {
        Environment environment = new Environment(env, cwd, home, new ByteArrayInputStream(stdin));
        Outcome outcome = runner.capture(environment, args);
        return new Result(outcome.code(), outcome.out(), outcome.err());
    }

    public record Result(int code, String out, String err) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON (exit " + code + ", stderr " + err + "): " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
