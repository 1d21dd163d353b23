package io.clambake.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clambake.config.DatabaseSettings;
import io.clambake.config.Environment;
import io.clambake.config.SettingsResolver;
import io.clambake.support.DatabaseTest;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clambake's statements are short: a parallel plan's workers cost more to start than the
 * statement takes, so its connections turn parallel plans off, unless the URL says otherwise.
 */
class PlannerSettingsTest extends DatabaseTest {

    @Test
    void clambakesConnectionsPlanNoParallelWorkers() throws SQLException {
        try (Connection c = Database.open(settings(db.url()))) {
            assertEquals("0", show(c));
        }
        try (Pool pool = Pool.open(settings(db.url()), 2);
                Connection c = pool.connect()) {
            assertEquals("0", show(c));
        }
    }

    @Test
    void optionsInTheUrlWin() throws SQLException {
        String url = db.url() + "?options=-c%20max_parallel_workers_per_gather%3D3";
        try (Connection c = Database.open(settings(url))) {
            assertEquals("3", show(c));
        }
    }

    private static DatabaseSettings settings(String url) {
        Environment env = new Environment(
                Map.of("CLAMBAKE_DB_URL", url, "XDG_CONFIG_HOME", "/nonexistent-clambake-test-config"),
                Path.of("/"),
                Path.of("/nonexistent-home"),
                InputStream.nullInputStream());
        return new SettingsResolver(env).resolve(null, schema -> {
            throw new AssertionError("no embedded server in this test");
        });
    }

    private static String show(Connection c) throws SQLException {
        return Sql.one(c, "SHOW max_parallel_workers_per_gather", rs -> rs.getString(1))
                .orElseThrow();
    }
}
