package io.clambake.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
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

    /** This machine's name as other machines should see it; {@code CLAMBAKE_HOST} overrides. */
    public String host() {
        for (String name : new String[] {"CLAMBAKE_HOST", "HOSTNAME", "COMPUTERNAME"}) {
            if (get(name) != null) {
                return get(name);
            }
        }
        try {
            String fromFile = Files.readString(Path.of("/etc/hostname")).trim();
            if (!fromFile.isEmpty()) {
                return fromFile;
            }
        } catch (IOException | RuntimeException e) {
            // not a Linux-style system; fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
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
