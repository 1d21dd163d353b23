package io.clambake.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command sees of the world outside its arguments. Passed in rather than read from
 * statics so that tests can run many "processes" with different variables in one JVM, and so
 * that the resident process can run each command with its caller's world.
 *
 * @param callerPid the process that ran clambake (what {@code register} records), or null for
 *     this JVM's parent
 */
public record Environment(Map<String, String> variables, Path cwd, Path home, InputStream stdin, Long callerPid) {

    /** A command run by this JVM's parent process. */
    public Environment(Map<String, String> variables, Path cwd, Path home, InputStream stdin) {
        this(variables, cwd, home, stdin, null);
    }

    /** The home directory is $HOME when set, as for any Unix tool; Java's user.home ignores it. */
    public static Environment ofProcess() {
        String home = System.getenv("HOME");
        return new Environment(
                System.getenv(),
                Path.of("").toAbsolutePath(),
                Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home),
                System.in);
    }

    /** The same world with another standard input. */
    public Environment withStdin(InputStream in) {
        return new Environment(variables, cwd, home, in, callerPid);
    }

    @Override
    public Long callerPid() {
        return callerPid != null
                ? callerPid
                : ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(null);
    }

    /**
     * A path named by a variable or an argument, relative ones taken from the command's working
     * directory: a resident process runs commands for callers in other directories than its own.
     */
    public Path path(String name) {
        return cwd.resolve(name);
    }

    public String get(String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * This machine's name as other machines should see it; {@code CLAMBAKE_HOST} overrides. The
     * live name, what {@code uname -n} prints: not /etc/hostname, which only seeds it at boot and
     * which clones of one image share, nor $HOSTNAME, a shell's copy that containers and
     * namespaces inherit from their parent.
     */
    public String host() {
        String override = get("CLAMBAKE_HOST");
        if (override != null) {
            return override;
        }
        try {
            String live = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!live.isEmpty()) {
                return live;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the JDK, which asks the system
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // The name exists but does not resolve; the JDK's message starts with it.
            String message = String.valueOf(e.getMessage());
            int colon = message.indexOf(':');
            return colon > 0 ? message.substring(0, colon) : "localhost";
        }
    }

    /** Which machine this is, apart from its name: see {@link MachineId}. */
    public String machine() {
        return MachineId.of(this);
    }

    /** The user-level config directory: XDG on Unix, %APPDATA% on Windows. */
    public Path configDir() {
        if (get("XDG_CONFIG_HOME") != null) {
            return path(get("XDG_CONFIG_HOME")).resolve("clambake");
        }
        if (get("APPDATA") != null) {
            return path(get("APPDATA")).resolve("clambake");
        }
        return home.resolve(".config").resolve("clambake");
    }
}
