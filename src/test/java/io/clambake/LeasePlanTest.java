package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.db.LeaseDao;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.ExplainingConnection;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PreToolUse check and the pre-commit guard's check are one statement each that reaches the
 * leases and edits of one project through an index, however many other projects hold leases.
 */
class LeasePlanTest extends DatabaseTest {
    @Test
    void theEditAndCommitChecksReadOneProjectThroughAnIndex() throws Exception {
        Cli shell = shell("plan-lease", "/w/plan-lease");
        register(shell, "p0");
        assertEquals(ExitCode.OK, shell.run("lease", "src/own.txt").code());
        try (Connection c = db.connect("clambake")) {
            try (Statement st = c.createStatement()) {
                st.execute("""
                        INSERT INTO instances (name, host, dir, project)
                        SELECT 'lp-' || g, 'plan-host', '/w/lp/' || g, 'p' || (g % 200) FROM generate_series(1, 2000) g;
                        INSERT INTO leases (project, kind, target, prefix, holder_id, expires_at)
                        SELECT i.project, 'path', 'dir' || g || '/f.txt', 'dir' || g || '/f.txt', i.id,
                               now() + interval '1 hour'
                          FROM instances i, generate_series(1, 20) g WHERE i.name LIKE 'lp-%';
                        INSERT INTO edits (instance_id, project, path)
                        SELECT i.id, i.project, 'dir' || g || '/f.txt'
                          FROM instances i, generate_series(1, 20) g WHERE i.name LIKE 'lp-%';
                        ANALYZE instances; ANALYZE leases; ANALYZE edits;
                        """);
            }
            ExplainingConnection explaining = new ExplainingConnection(c);
            LeaseDao leases = new LeaseDao(explaining.connection());
            LeaseDao.EditCheck check = leases.beforeEdit("no-such-session", "p7", "dir3/f.txt", Duration.ofMinutes(15));
            assertEquals(10, check.leases().size(), "the project's holders of that file");
            assertEquals(10, check.edits().size());
            leases.blocking("p7", null, List.of("dir3/f.txt", "README.md"));
            List<ExplainingConnection.Plan> plans = explaining.plans();
            assertEquals(2, plans.size(), "one statement per check");
            for (ExplainingConnection.Plan plan : plans) {
                assertTrue(plan.plan().contains("Execution Time"), plan::plan);
                for (String table : List.of("leases", "edits")) {
                    assertFalse(plan.seqScans(table), () -> table + " read whole:\n" + plan.plan());
                }
            }
        }
    }
}
