package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.bench.HotQueryPlans;
import io.clambake.db.AgentSessionDao;
import io.clambake.db.InstanceDao;
import io.clambake.db.MemoryDao;
import io.clambake.db.MessageDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.NameGenerator;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import io.clambake.support.ExplainingConnection;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hooks' statements on the benchmark's data set (at PlanTest's tenth size): a reminder runs
 * after every tool call and a briefing at every session start, so neither may read a big table
 * whole. Attach and end are transactions on one instance row and are keyed by primary key.
 */
class HookPlanTest extends DatabaseTest {

    @Test
    void reminderAndBriefingStatementsUseIndexesOnALargeDataSet() throws Exception {
        Cli.Result migrated = shell("plan-host", "/plan").run("status");
        assertEquals(ExitCode.OK, migrated.code(), migrated::toString);
        try (Connection c = db.connect("clambake")) {
            HotQueryPlans.seedTenthSize(c);
            Instance reader = new InstanceDao(c).findByName("bench-00001").orElseThrow();
            new AgentSessionDao(c)
                    .attach(
                            new AgentSessionDao.Request(
                                    "plan-session",
                                    new InstanceDao.Place(
                                            reader.host(), reader.machine(), reader.dir(), reader.project()),
                                    null,
                                    null,
                                    null,
                                    null),
                            false,
                            new NameGenerator(new SecureRandom()));
            ExplainingConnection explaining = new ExplainingConnection(c);
            Connection x = explaining.connection();
            List<MemoryStatus> active = List.of(MemoryStatus.ACTIVE);

            new AgentSessionDao(x).touch("plan-session", Duration.ZERO);
            new MessageDao(x).remind(reader, "plan-session", 5, false);
            new MessageQueries(x).blockers(reader, 5);
            new MessageDao(x).remind(reader, "plan-session", 8, true);
            new InstanceDao(x).live(null);
            new MemoryDao(x).recall(new MemoryDao.Query(MemoryScope.PROJECT, reader.project(), null, null, active, 5));
            new MemoryDao(x).recall(new MemoryDao.Query(MemoryScope.GLOBAL, null, null, null, active, 3));

            assertTrue(
                    explaining.plans().size() >= 7,
                    "every call ran: " + explaining.plans().size());
            int reminders = 0;
            for (ExplainingConnection.Plan plan : explaining.plans()) {
                // MessageDao.remind runs with a generic plan: it must read indexes too
                boolean generic = plan.sql().contains("INSERT INTO shown_messages");
                List<String> plans = generic ? List.of(plan.plan(), plan.genericPlan(c)) : List.of(plan.plan());
                if (generic) {
                    assertTrue(plans.get(1).contains("$1"), () -> "a generic plan:\n" + plans.get(1));
                    reminders++;
                }
                for (String explained : plans) {
                    for (String table : HotQueryPlans.BIG_TABLES) {
                        assertFalse(
                                ExplainingConnection.Plan.seqScans(explained, table),
                                () -> "scans " + table + " sequentially:\n" + plan.sql() + "\n" + explained);
                    }
                }
            }
            assertEquals(2, reminders, "both reminders were explained");
        }
    }
    /**
     * The reminder is planned once per connection: from the driver's fifth run of it (when it
     * prepares it on the server) PostgreSQL reuses one generic plan instead of planning each run.
     */
    @Test
    void aConnectionPlansTheReminderOnce() throws Exception {
        String me = startSession(shell("plan-host", "/plan/once"), "once", "/plan/once", "p");
        try (Connection c = db.connect("clambake")) {
            Instance reader = new InstanceDao(c).findByName(me).orElseThrow();
            for (int i = 0; i < 8; i++) {
                new MessageDao(c).remind(reader, "once", 5, false);
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                            + " WHERE statement LIKE '%INSERT INTO shown_messages%'")) {
                assertTrue(rs.next(), "the driver prepared the reminder on the server");
                assertTrue(rs.getLong("generic_plans") >= 3, () -> "generic plans: " + plans(rs));
                assertEquals(0, rs.getLong("custom_plans"), () -> "custom plans: " + plans(rs));
            }
        }
    }

    private static String plans(ResultSet rs) {
        try {
            return rs.getLong("generic_plans") + " generic, " + rs.getLong("custom_plans") + " custom";
        } catch (java.sql.SQLException e) {
            return e.toString();
        }
    }
}
