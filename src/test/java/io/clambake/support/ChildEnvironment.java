package io.clambake.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The environment every process a test starts (the jar, bin/clambake, hooks through sh -c) gets
 * before the test adds its own variables: none of the developer's CLAMBAKE_* or XDG_* variables,
 * HOME and the XDG directories in a scratch home of this test run, and an embedded-server state
 * directory that cannot exist. So bin/clambake's class archives, config files and any embedded
 * server land in scratch space, never in the user's ~/.cache/clambake or state directory (as
 * root that is /var/lib/clambake whatever HOME says, hence CLAMBAKE_HOME). UserFilesGuard checks.
 */
public final class ChildEnvironment {
    private static Path scratchHome;

    private ChildEnvironment() {}

    /** Replaces the user's directories in {@code env} (a ProcessBuilder's environment, say). */
    public static Map<String, String> isolate(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("CLAMBAKE_") || name.startsWith("XDG_"));
        Path home = scratchHome();
        env.put("HOME", home.toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("CLAMBAKE_HOME", Cli.UNUSABLE_HOME);
        return env;
    }

    /**
     * For a launcher that adds variables to the environment it inherits and removes none (the MCP
     * SDK's client): the developer's CLAMBAKE_* and XDG_* variables set empty, which Clambake
     * and bin/clambake read as unset, plus the isolated values.
     */
    public static Map<String, String> overrides() {
        Map<String, String> env = new HashMap<>();
        System.getenv().keySet().stream()
                .filter(name -> name.startsWith("CLAMBAKE_") || name.startsWith("XDG_"))
                .forEach(name -> env.put(name, ""));
        env.putAll(isolate(new HashMap<>()));
        return env;
    }

    /** One scratch home per test JVM, deleted when it exits. */
    public static synchronized Path scratchHome() {
        if (scratchHome == null) {
            try {
                scratchHome = Files.createTempDirectory("clambake-test-home-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path created = scratchHome;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(created)));
        }
        return scratchHome;
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test run for
        }
    }
}
