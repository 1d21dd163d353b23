package io.clambake.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Commands skip Flyway while the schema is at LATEST_VERSION, so it must name the highest migration. */
class SchemaVersionTest {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void latestVersionIsTheHighestMigration() throws IOException {
        int highest = 0;
        try (Stream<Path> files = Files.list(Path.of("db", "migration"))) {
            for (Path file : files.toList()) {
                Matcher m = MIGRATION.matcher(file.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                }
            }
        }
        assertEquals(highest, SchemaMigrator.LATEST_VERSION);
    }
}
