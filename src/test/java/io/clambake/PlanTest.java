package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.bench.HotQueryPlans;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.ExplainingConnection;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hot statements must reach the big tables through indexes: on a tenth-size copy of the
 * benchmark's data set, no plan may read messages, message_reads, memories or action_log whole.
 */
class PlanTest extends DatabaseTest {

    @Test
    void hotQueriesUseIndexesOnALargeDataSet() throws Exception {
        Cli.Result migrated = shell("plan-host", "/plan").run("status");
        assertEquals(ExitCode.OK, migrated.code(), migrated::toString);
        try (Connection c = db.connect("clambake")) {
            HotQueryPlans.seedTenthSize(c);
            Map<String, List<ExplainingConnection.Plan>> plans = HotQueryPlans.capture(c);
            assertEquals(9, plans.size());
            for (var entry : plans.entrySet()) {
                assertFalse(entry.getValue().isEmpty(), entry.getKey() + " ran no statement");
                for (ExplainingConnection.Plan plan : entry.getValue()) {
                    assertTrue(plan.plan().contains("Execution Time"), plan::plan);
                    for (String table : HotQueryPlans.BIG_TABLES) {
                        assertFalse(
                                plan.seqScans(table),
                                () -> entry.getKey() + " scans " + table + " sequentially:\n" + plan.sql() + "\n"
                                        + plan.plan());
                    }
                }
            }
        }
    }
}
