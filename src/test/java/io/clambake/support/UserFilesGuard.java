package io.clambake.support;

import io.clambake.config.Environment;
import io.clambake.embedded.ServerHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test class after which the user's own Clambake files changed: bin/clambake's class
 * archives for this checkout's jar in the user's cache, or the user's embedded-server state
 * directory (created, or its server started or stopped). Registered for every test class through
 * junit-platform.properties, in surefire's and failsafe's runs alike. The cache check looks only
 * at archives named after this checkout, so other checkouts' runs on a shared machine cannot trip
 * it.
 */
public final class UserFilesGuard implements AfterAllCallback {
    private static final Instant STARTED =
            ProcessHandle.current().info().startInstant().orElse(Instant.now());
    private static final Environment USER = Environment.ofProcess();
    private static final Path STATE = ServerHome.of(USER).dir();
    private static final boolean STATE_EXISTED = Files.exists(STATE);
    private static final Set<String> REPORTED = new LinkedHashSet<>();

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> touched = new ArrayList<>();
        for (Path cache : userCaches()) {
            String checkout = launcherId(Path.of("").toAbsolutePath() + "/");
            try (Stream<Path> files = Files.exists(cache) ? Files.list(cache) : Stream.empty()) {
                files.filter(f -> f.getFileName().toString().contains(checkout))
                        .filter(UserFilesGuard::changedSinceStart)
                        .forEach(f -> touched.add(f.toString()));
            } catch (IOException e) {
                touched.add(cache + " (cannot list it: " + e + ")");
            }
        }
        if (!STATE_EXISTED && Files.exists(STATE)) {
            touched.add(STATE + " (created)");
        }
        for (Path file : List.of(
                STATE.resolve("server.properties"),
                STATE.resolve("server.lock"),
                STATE.resolve("data/postmaster.pid"))) {
            if (changedSinceStart(file)) {
                touched.add(file.toString());
            }
        }
        touched.removeAll(REPORTED);
        REPORTED.addAll(touched);
        if (!touched.isEmpty()) {
            throw new AssertionError(context.getRequiredTestClass().getSimpleName()
                    + " (or a test class before it in this run) changed the user's own Clambake files since " + STARTED
                    + ": " + touched + ". Start every process through ChildEnvironment.isolate (a clambake"
                    + " command you ran meanwhile from this checkout, or with your own state directory, counts too).");
        }
    }

    /** Where bin/clambake keeps its archives for a user with this process's environment. */
    private static Set<Path> userCaches() {
        Set<Path> caches = new LinkedHashSet<>();
        if (USER.get("CLAMBAKE_CACHE") != null) {
            caches.add(Path.of(USER.get("CLAMBAKE_CACHE")));
        }
        if (USER.get("XDG_CACHE_HOME") != null) {
            caches.add(Path.of(USER.get("XDG_CACHE_HOME"), "clambake"));
        }
        caches.add(USER.home().resolve(".cache/clambake"));
        caches.add(Path.of(System.getProperty("user.home"), ".cache/clambake"));
        return caches;
    }

    /** bin/clambake names archives after the java and jar paths, with every other character made '_'. */
    private static String launcherId(String path) {
        return path.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static boolean changedSinceStart(Path file) {
        try {
            return Files.exists(file)
                    && Files.getLastModifiedTime(file).toInstant().isAfter(STARTED);
        } catch (IOException e) {
            return false;
        }
    }
}
