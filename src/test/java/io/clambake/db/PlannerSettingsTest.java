package io.clambake.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clambake.support.DatabaseTest;
import io.clambake.support.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Clambake's statements are short: a parallel plan's workers cost more to start than the
 * statement takes, so its connections turn parallel plans off, unless the URL says otherwise.
 */
class PlannerSettingsTest extends DatabaseTest {

    @Test
    void clambakesConnectionsPlanNoParallelWorkers() throws SQLException {
        try (Connection c = Database.open(db.settings())) {
            assertEquals("0", show(c));
        }
        try (Pool pool = Pool.open(db.settings(), 2);
                Connection c = pool.connect()) {
            assertEquals("0", show(c));
        }
    }

    @Test
    void optionsInTheUrlWin() throws SQLException {
        String url = db.url() + "?options=-c%20max_parallel_workers_per_gather%3D3";
        try (Connection c = Database.open(TestDatabase.settingsFor(url))) {
            assertEquals("3", show(c));
        }
    }

    private static String show(Connection c) throws SQLException {
        return Sql.one(c, "SHOW max_parallel_workers_per_gather", rs -> rs.getString(1))
                .orElseThrow();
    }
}
