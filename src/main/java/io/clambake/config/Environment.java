package io.clambake.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command sees of the world outside its arguments. Passed in rather than read from
 * statics so that tests can run many "processes" with different variables in one JVM.
 */
public record Environment(Map<String, String> variables, Path cwd, Path home, InputStream stdin) {

    /** The home directory is $HOME when set, as for any Unix tool; Java's user.home ignores it. */
    public static Environment ofProcess() {
        String home = System.getenv("HOME");
        return new Environment(
                System.getenv(),
                Path.of("").toAbsolutePath(),
                Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home),
                System.in);
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
            return Path.of(get("XDG_CONFIG_HOME"), "clambake");
        }
        if (get("APPDATA") != null) {
            return Path.of(get("APPDATA"), "clambake");
        }
        return home.resolve(".config").resolve("clambake");
    }
}
