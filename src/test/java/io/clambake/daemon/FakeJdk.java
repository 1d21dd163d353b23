package io.clambake.daemon;

import io.clambake.support.LauncherProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * bin/clambake pointed at a stand-in for java: a script that records what a JVM of the command's
 * own would have been given (arguments, environment, directory, parent), so that a test sees
 * both ways a command can go, the resident process (an in-process ResidentServer) and its own JVM.
 */
final class FakeJdk {
    static final Path LAUNCHER = LauncherProcess.LAUNCHER;

    final Path java;
    final Path jar;
    final Path cache;
    final Path runs;

    FakeJdk(Path root) throws IOException {
        Path jdk = Files.createDirectories(root.resolve("jdk/bin")).getParent();
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.9\"\n");
        java = jdk.resolve("bin/java");
        runs = Files.createDirectories(root.resolve("runs"));
        Files.writeString(java, """
                #!/usr/bin/env bash
                # What a JVM would have been given; then the command's answer in a JVM of its own.
                run=$FAKE_JAVA_RUNS/run-$$
                mkdir -p "$run"
                printf '%s\\0' "$@" > "$run/args"
                env -0 > "$run/env"
                pwd -P > "$run/cwd"
                echo "$PPID" > "$run/ppid"
                : > "$run/done"
                for a in "$@"; do [ "$a" = serve ] && exit 0; done
                printf 'own jvm\\n'
                exit ${FAKE_JAVA_EXIT:-0}
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.writeString(root.resolve("clambake.jar"), "not really a jar");
        cache = root.resolve("cache");
    }

    /**
     * Makes the launcher take its class archive as made (the stand-in makes none), so that it
     * runs java as a usual warm command does, by exec, not as the first run that records one.
     */
    void pretendArchived() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            for (Path jdkFile : files.filter(f -> f.toString().endsWith(".jdk")).toList()) {
                String name = jdkFile.getFileName().toString();
                Files.writeString(jdkFile.resolveSibling(name.substring(0, name.length() - 4) + ".jsa"), "");
            }
        }
    }

    Identity identity() throws IOException {
        return Identity.of(java.toRealPath(), jar.toRealPath());
    }

    StateDir stateDir() {
        return new StateDir(cache.resolve("resident"));
    }

    /** The variables every launcher run gets, before a test's own. */
    Map<String, String> baseEnvironment(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("CLAMBAKE_JAVA", java.toString());
        env.put("CLAMBAKE_JAR", jar.toString());
        env.put("CLAMBAKE_CACHE", cache.toString());
        env.put("FAKE_JAVA_RUNS", runs.toString());
        return env;
    }

    /** What the stand-in for java recorded, one entry per run. */
    List<Run> runs() throws IOException {
        List<Run> list = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path dir : dirs.toList()) {
                if (Files.exists(dir.resolve("done"))) {
                    list.add(Run.read(dir));
                }
            }
        }
        return list;
    }

    void forgetRuns() throws IOException {
        try (Stream<Path> dirs = Files.walk(runs)) {
            for (Path p : dirs.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(runs)) {
                    Files.delete(p);
                }
            }
        }
    }

    record Run(List<String> args, Map<String, String> env, String cwd, long ppid) {
        static Run read(Path dir) throws IOException {
            Map<String, String> env = new HashMap<>();
            for (String entry : fields(Files.readAllBytes(dir.resolve("env")))) {
                int equals = entry.indexOf('=');
                env.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
            return new Run(
                    fields(Files.readAllBytes(dir.resolve("args"))),
                    env,
                    Files.readString(dir.resolve("cwd")).strip(),
                    Long.parseLong(Files.readString(dir.resolve("ppid")).strip()));
        }

        /** The command line after the JVM's own options and {@code -jar JAR}. */
        List<String> command() {
            int jarFlag = args.indexOf("-jar");
            return args.subList(jarFlag + 2, args.size());
        }

        boolean spawnedResident() {
            return command().equals(List.of("resident", "serve"));
        }
    }

    private static List<String> fields(byte[] bytes) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                fields.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return fields;
    }
}
