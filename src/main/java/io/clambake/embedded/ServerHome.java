package io.clambake.embedded;

import io.clambake.config.Environment;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded server's state directory: {@code CLAMBAKE_HOME}; as root {@code /var/lib/clambake},
 * because the server runs as an unprivileged account that cannot enter root's private home;
 * else {@code $XDG_DATA_HOME/clambake}, {@code %LOCALAPPDATA%\clambake} on Windows, or
 * {@code ~/.local/share/clambake}.
 */
public record ServerHome(Path dir) {
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
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
     * Creates the directory, which only its user may enter (0700). As root the server's account
     * must pass through it too: its group gets in (0710), nobody else, and no one else can even
     * open server.lock to hold it. Where the account has no group of its own, others may pass
     * through (0711) but still list and read nothing.
     */
    void prepare() {
        try {
            Files.createDirectories(dir);
            if (POSIX) {
                Optional<RunAs> runAs = RunAs.detect(dataDir());
                Optional<GroupPrincipal> group = runAs.flatMap(RunAs::group);
                if (group.isPresent()) {
                    Files.getFileAttributeView(dir, PosixFileAttributeView.class)
                            .setGroup(group.get());
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x---"));
                } else {
                    Files.setPosixFilePermissions(
                            dir, PosixFilePermissions.fromString(runAs.isPresent() ? "rwx--x--x" : "rwx------"));
                }
                Path lock = lockFile();
                if (!Files.exists(lock)) {
                    try {
                        Files.createFile(lock, PosixFilePermissions.asFileAttribute(PRIVATE));
                    } catch (java.nio.file.FileAlreadyExistsException raced) {
                        // another command made it
                    }
                }
                Files.setPosixFilePermissions(lock, PRIVATE);
            }
        } catch (IOException e) {
            throw ServerErrors.failure(
                    "cannot create its directory " + dir + ": " + ServerErrors.describe(e)
                            + " (set CLAMBAKE_HOME, or CLAMBAKE_DB_URL to use a server of your own)",
                    e);
        }
    }
}
