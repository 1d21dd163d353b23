package io.clambake.embedded;

import static io.clambake.embedded.ServerErrors.describe;
import static io.clambake.embedded.ServerErrors.failure;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * server.properties in the state directory: the login and the port of the last start. Readable
 * by its owner only, because it holds the password; replaced whole, never half-written.
 */
final class ServerSettings {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private ServerSettings() {}

    static Properties read(ServerHome home) {
        Properties settings = new Properties();
        if (Files.isRegularFile(home.settingsFile())) {
            try (Reader reader = Files.newBufferedReader(home.settingsFile(), StandardCharsets.UTF_8)) {
                settings.load(reader);
            } catch (IOException e) {
                throw failure("cannot read " + home.settingsFile() + ": " + describe(e), e);
            }
        }
        return settings;
    }

    /** The settings, with a new random password when there is none yet (and so no database either). */
    static Properties withPassword(ServerHome home) {
        Properties settings = read(home);
        if (settings.getProperty("password") == null) {
            if (Files.exists(home.dataDir().resolve("PG_VERSION"))) {
                throw failure("its password is missing from " + home.settingsFile() + ": stop it, move "
                        + home.dataDir() + " away, and the next command creates a new, empty database");
            }
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            settings.setProperty("user", EmbeddedServer.USER);
            settings.setProperty(
                    "password", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            write(home, settings);
        }
        return settings;
    }

    static void write(ServerHome home, Properties settings) {
        settings.setProperty("version", PostgresBinaries.VERSION);
        try {
            Path temp = home.dir().resolve("server.properties.tmp");
            try (Writer writer = Files.newBufferedWriter(
                    writePrivate(temp, ""), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                settings.store(writer, "Clambake's embedded PostgreSQL: written by clambake, read by every command");
            }
            Files.move(temp, home.settingsFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure("cannot write " + home.settingsFile() + ": " + describe(e), e);
        }
    }

    static Path writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        if (POSIX) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
