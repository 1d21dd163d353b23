package io.clambake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The password file and the CA file are found where libpq finds them: $PGPASSFILE / $HOME, not user.home (issue 14.7). */
class PgPassTest {
    @TempDir
    Path home;

    private DatabaseSettings resolve(Map<String, String> variables) {
        Map<String, String> env = new HashMap<>(variables);
        env.put("CLAMBAKE_DB_URL", "postgresql://agents@db.internal:6543/coordination");
        env.put("XDG_CONFIG_HOME", home.resolve("no-config").toString());
        Environment environment = new Environment(env, home, home, new ByteArrayInputStream(new byte[0]));
        return new SettingsResolver(environment).resolve(null, schema -> {
            throw new AssertionError("the URL is configured");
        });
    }

    private Path write(Path file, String text, String permissions) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void thePasswordFileIsHomesOrPgpassfiles() throws Exception {
        write(
                home.resolve(".pgpass"),
                "# comment\nother:*:*:*:nope\ndb.internal:6543:coordination:agents:from\\:home\n",
                "rw-------");
        assertEquals("from:home", resolve(Map.of()).password());
        Path elsewhere = write(home.resolve("elsewhere/pgpass"), "*:*:*:agents:from-variable\n", "rw-------");
        assertEquals(
                "from-variable",
                resolve(Map.of("PGPASSFILE", elsewhere.toString())).password());
        assertEquals("from-env", resolve(Map.of("PGPASSWORD", "from-env")).password());
    }

    @Test
    void aPasswordFileOthersMayReadIsIgnoredAsLibpqDoes() throws Exception {
        write(home.resolve(".pgpass"), "*:*:*:*:too-open\n", "rw-r--r--");
        assertNull(resolve(Map.of()).password());
    }

    @Test
    void theRootCertificateIsPgsslrootcertsOrHomes() {
        assertEquals(
                home.resolve(".postgresql/root.crt").toString(),
                resolve(Map.of()).parameter("sslrootcert").replace("%2F", "/"));
        assertEquals(
                "/etc/ca.crt",
                resolve(Map.of("PGSSLROOTCERT", "/etc/ca.crt"))
                        .parameter("sslrootcert")
                        .replace("%2F", "/"));
    }
}
