package io.clambake.daemon;

import io.clambake.config.Environment;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where resident processes leave what the launcher needs to reach them: beside the launcher's
 * class archives, {@code $CLAMBAKE_CACHE/resident} (else {@code $XDG_CACHE_HOME/clambake/resident},
 * else {@code ~/.cache/clambake/resident}), a directory only its owner may enter. Per process
 * (named by {@link Identity#key()}): the state file (pid, port, and the two secrets; mode 600),
 * a lock held while the process owns that file, a log, and the launcher's start marker.
 */
public final class StateDir {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    static final String STARTING = ".starting";
    private static final String LOCK = ".lock";
    private static final String LOG = ".log";

    private final Path dir;

    StateDir(Path dir) {
        this.dir = dir;
    }

    public static StateDir of(Environment env) {
        String cache = env.get("CLAMBAKE_CACHE");
        Path base;
        if (cache != null) {
            base = env.path(cache);
        } else if (env.get("XDG_CACHE_HOME") != null) {
            base = env.path(env.get("XDG_CACHE_HOME")).resolve("clambake");
        } else {
            base = env.home().resolve(".cache").resolve("clambake");
        }
        return new StateDir(base.resolve("resident"));
    }

    public Path dir() {
        return dir;
    }

    Path state(String key) {
        return dir.resolve(key);
    }

    Path lock(String key) {
        return dir.resolve(key + LOCK);
    }

    Path starting(String key) {
        return dir.resolve(key + STARTING);
    }

    public Path log(String key) {
        return dir.resolve(key + LOG);
    }

    /** Creates the directory (mode 700) when missing; refuses one that others may enter or that is not ours. */
    void ensure() throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            throw new IOException("a resident process needs a file system with Unix permissions");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made meanwhile by another process: checked below like any other
            }
        }
        PosixFileAttributes attributes =
                Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory() || !attributes.owner().equals(me())) {
            throw new IOException(dir + " is not a directory of this user's");
        }
        if (!attributes.permissions().equals(OWNER_ONLY_DIR)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
    }

    private UserPrincipal me() throws IOException {
        return dir.getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /** Writes the state file whole (mode 600 from its creation), so a reader never sees half of it. */
    void write(String key, State state) throws IOException {
        Path temporary = dir.resolve(key + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        try {
            Files.writeString(temporary, state.line() + "\n");
            try {
                Files.move(temporary, state(key), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, state(key), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The state file of {@code key}, when there is a readable one that belongs to this user. */
    Optional<State> read(String key) {
        return State.read(state(key));
    }

    /** The keys of all state files, live or left behind. */
    List<String> keys() throws IOException {
        List<String> keys = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return keys;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString())
                    .filter(name -> !name.matches(".*\\.(lock|log|starting|tmp)$"))
                    .sorted()
                    .forEach(keys::add);
        }
        return keys;
    }

    /** What the launcher reads: {@code pid port secret token} on one line. */
    record State(long pid, int port, String secret, String token) {
        String line() {
            return pid + " " + port + " " + secret + " " + token;
        }

        static Optional<State> read(Path file) {
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.empty();
                }
                String[] words = Files.readString(file).strip().split(" ");
                if (words.length != 4) {
                    return Optional.empty();
                }
                return Optional.of(new State(Long.parseLong(words[0]), Integer.parseInt(words[1]), words[2], words[3]));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
