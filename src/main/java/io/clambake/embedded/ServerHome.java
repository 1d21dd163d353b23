package io.clambake.embedded;

import io.clambake.config.Environment;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The embedded server's state directory: {@code CLAMBAKE_HOME}; as root {@code /var/lib/clambake},
 * because the server runs as an unprivileged account that cannot enter root's private home;
 * else {@code $XDG_DATA_HOME/clambake}, {@code %LOCALAPPDATA%\clambake} on Windows, or
 * {@code ~/.local/share/clambake}.
 */
public record ServerHome(Path dir) {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    public static ServerHome of(Environment env) {
        if (env.get("CLAMBAKE_HOME") != null) {
            return new ServerHome(
                    env.cwd().resolve(env.get("CLAMBAKE_HOME")).toAbsolutePath().normalize());
        }
        if (RunAs.isRoot()) {
            return new ServerHome(Path.of("/var/lib/clambake"));
        }
        if (env.get("XDG_DATA_HOME") != null) {
            return new ServerHome(env.path(env.get("XDG_DATA_HOME")).resolve("clambake"));
        }
        if (env.get("LOCALAPPDATA") != null) {
            return new ServerHome(env.path(env.get("LOCALAPPDATA")).resolve("clambake"));
        }
        return new ServerHome(env.home().resolve(".local").resolve("share").resolve("clambake"));
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    Path pidFile() {
        return dataDir().resolve("postmaster.pid");
    }

    Path settingsFile() {
        return dir.resolve("server.properties");
    }

    Path lockFile() {
        return dir.resolve("server.lock");
    }

    public Path logFile() {
        return dir.resolve("server.log");
    }

    /**
     * Creates the directory. Only its user may look into a new one; as root the server's account
     * must pass through it (but not list it), whoever made it.
     */
    void prepare() {
        try {
            boolean created = !Files.isDirectory(dir);
            Files.createDirectories(dir);
            if (POSIX && RunAs.isRoot()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
                perms.addAll(Set.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(dir, perms);
            } else if (POSIX && created) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw ServerErrors.failure(
                    "cannot create its directory " + dir + ": " + ServerErrors.describe(e)
                            + " (set CLAMBAKE_HOME, or CLAMBAKE_DB_URL to use a server of your own)",
                    e);
        }
    }
}
