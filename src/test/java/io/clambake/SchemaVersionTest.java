package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.db.SchemaMigrator;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The migrator's idea of the latest version, and its promise to skip Flyway when the schema is current. */
class SchemaVersionTest extends DatabaseTest {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void latestVersionIsTheHighestMigrationOnDisk() throws IOException {
        Path dir = Path.of("db/migration");
        assertTrue(Files.isDirectory(dir), "run from the project base directory: " + dir.toAbsolutePath());
        List<Integer> versions = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).forEach(name -> {
                Matcher m = MIGRATION.matcher(name);
                assertTrue(m.matches(), "not a V<n>__name.sql migration: " + name);
                versions.add(Integer.parseInt(m.group(1)));
            });
        }
        assertFalse(versions.isEmpty());
        assertEquals(versions.stream().distinct().count(), versions.size(), "duplicate versions: " + versions);
        int highest = versions.stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertEquals(
                highest,
                SchemaMigrator.LATEST_VERSION,
                "SchemaMigrator.LATEST_VERSION must follow the newest file in db/migration, or new migrations never run");
    }

    @Test
    void aMigratedDatabaseIsNotMigratedAgain() throws SQLException {
        Cli shell = shell("schema-host", "/schema/dir");
        register(shell, "schema");
        List<String> history = history();
        assertEquals(SchemaMigrator.LATEST_VERSION, maxVersion(), "the first command migrated to the latest version");

        // Were Flyway to run again, its validation would now fail on the checksum and the command with it.
        try (Connection c = db.connect("clambake");
                Statement st = c.createStatement()) {
            assertEquals(
                    1,
                    st.executeUpdate(
                            "UPDATE flyway_schema_history SET checksum = coalesce(checksum, 0) + 1 WHERE version = '1'"));
        }
        List<String> tampered = history();

        for (String[] args :
                List.of(new String[] {"status"}, new String[] {"inbox"}, new String[] {"recall", "--global"})) {
            Cli.Result r = shell.run(args);
            assertEquals(ExitCode.OK, r.code(), r::toString);
        }
        assertEquals(tampered, history(), "flyway_schema_history unchanged (rows, installed_on, checksums)");
        assertEquals(history.size(), tampered.size());
    }

    private List<String> history() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect("clambake");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                     SELECT installed_rank, version, description, checksum, installed_on, success
                       FROM flyway_schema_history ORDER BY installed_rank""")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
                        + rs.getString(5) + "|" + rs.getBoolean(6));
            }
        }
        assertFalse(rows.isEmpty(), "flyway_schema_history has rows");
        return rows;
    }

    private int maxVersion() throws SQLException {
        try (Connection c = db.connect("clambake");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT max(version::int) FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
