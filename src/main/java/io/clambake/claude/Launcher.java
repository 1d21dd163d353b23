package io.clambake.claude;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** How Claude Code should start this clambake: a bin/clambake launcher beside the jar, else this JVM on this jar. */
public final class Launcher {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");
    private static final String BASH_SHEBANG = "#!/usr/bin/env bash\n";

    private Launcher() {}

    public static List<String> detect() {
        Path jar = runningJar();
        if (jar == null) {
            return List.of("clambake");
        }
        Path dir = jar.getParent();
        for (Path candidate : new Path[] {
            dir.resolve("clambake"),
            dir.resolve("bin/clambake"),
            dir.resolveSibling("bin").resolve("clambake")
        }) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return List.of(candidate.normalize().toString());
            }
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
    }

    /**
     * The launcher for one-shot runs (hooks, the agent's commands). bin/clambake, a bash script,
     * is run by bash named directly: its {@code #!/usr/bin/env bash} line costs an exec of env
     * before bash's, 2-3 ms of every hook here. A plain {@code java -jar} gets C1 only and the
     * serial collector, which start a short JVM sooner on few cores.
     */
    public static List<String> forShortRuns(List<String> launcher) {
        if (launcher.size() == 1 && bashScript(Path.of(launcher.get(0)))) {
            return List.of("bash", launcher.get(0));
        }
        if (launcher.size() < 3 || !"-jar".equals(launcher.get(1))) {
            return launcher;
        }
        List<String> words = new ArrayList<>(launcher.subList(0, 1));
        words.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        words.addAll(launcher.subList(1, launcher.size()));
        return words;
    }

    private static boolean bashScript(Path file) {
        byte[] start = new byte[BASH_SHEBANG.length()];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(start, 0, start.length) == start.length
                    && new String(start, StandardCharsets.US_ASCII).equals(BASH_SHEBANG);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The jar this class was loaded from, or null when it runs from a classes directory (tests, IDEs). */
    private static Path runningJar() {
        try {
            Path location = Path.of(Launcher.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return Files.isRegularFile(location) && location.toString().endsWith(".jar")
                    ? location.toAbsolutePath().normalize()
                    : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** One shell command line; arguments with anything but safe characters are single-quoted. */
    public static String shell(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String word : words) {
            quoted.add(SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return String.join(" ", quoted);
    }
}
