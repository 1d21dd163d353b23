package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 1: machines that share a host name are still two machines. Each shell here
 * plays a machine through CLAMBAKE_MACHINE_ID, as a clone with its own id would.
 */
class MachineIdentityTest extends DatabaseTest {

    @Test
    void twoMachinesWithOneHostNameInOneDirectoryAreTwoInstances() throws Exception {
        Cli one = machine("twin", "machine-one", "/srv/shop");
        Cli two = machine("twin", "machine-two", "/srv/shop");
        String first = register(one, "shop");
        ok(one.run("heartbeat", "--task", "first machine's task"));
        String started = snapshot("SELECT started_at FROM instances WHERE name = '" + first + "'");

        JsonNode second = json(two, "register", "--project", "shop");

        String secondName = second.at("/instance/name").asText();
        assertNotEquals(first, secondName, "the second machine did not take the first one's instance over");
        assertFalse(second.get("revived").asBoolean());
        assertEquals("machine-two", second.at("/instance/machine").asText());
        JsonNode firstNow = instance(one, first);
        assertEquals("first machine's task", firstNow.get("task").asText());
        assertEquals("machine-one", firstNow.get("machine").asText());
        assertEquals(started, snapshot("SELECT started_at FROM instances WHERE name = '" + first + "'"));
        assertEquals(first, me(one));
        assertEquals(secondName, me(two));

        // Its name is the first machine's: asking for it from the second machine is refused.
        Cli.Result takeOver =
                machine("twin", "machine-two", "/srv/other").run("register", "--project", "shop", "--name", first);
        assertEquals(ExitCode.USAGE, takeOver.code(), takeOver::toString);
        assertTrue(takeOver.err().contains(first) && takeOver.err().contains("machine-o"), takeOver.err());

        // status tells the two apart: one host name, two machines.
        String status = ok(one.run("status")).out();
        assertTrue(status.contains("twin (machine-o)") && status.contains("twin (machine-t)"), status);
        String lonely = ok(machine("solo", "machine-s", "/srv/solo").run("status", "--project", "nobody"))
                .out();
        assertFalse(lonely.contains("(machine"), lonely);
    }

    @Test
    void theLiveHostNameIsUsedNotAStaleHostnameVariable() {
        Cli shell = Cli.shell(db, "ignored", "/srv/live-name")
                .with("CLAMBAKE_HOST", null)
                .with("HOSTNAME", "stale-from-the-environment")
                .with("CLAMBAKE_MACHINE_ID", "machine-live");
        JsonNode registered = json(shell, "register", "--project", "shop");
        assertEquals(liveHostName(), registered.at("/instance/host").asText());
    }

    @Test
    void aMachineIdThatIsNoIdIsRefused() {
        Cli.Result r = machine("bad-id", "no spaces allowed", "/srv/bad").run("register", "--project", "shop");
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("CLAMBAKE_MACHINE_ID"), r.err());
    }

    @Test
    void instancesFromBeforeMachineIdsAreTakenOverByTheFirstMachineThatRegistersThem() throws Exception {
        String schema = "legacy";
        db.migrateTo(schema, "3");
        try (Connection c = db.connect(schema);
                Statement st = c.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO instances (name, host, dir, project, left_at, left_reason)
                    VALUES ('old-departed', 'legacy-host', '/srv/departed', 'shop', now(), 'deregistered'),
                           ('old-live', 'legacy-host', '/srv/live', 'shop', NULL, NULL)""");
        }
        Cli departed = machine("legacy-host", "machine-new", "/srv/departed").with("CLAMBAKE_SCHEMA", schema);
        Cli live = machine("legacy-host", "machine-new", "/srv/live").with("CLAMBAKE_SCHEMA", schema);
        Cli otherMachine =
                machine("legacy-host", "machine-other", "/srv/departed").with("CLAMBAKE_SCHEMA", schema);

        // Plain commands find a row of no known machine from any machine of that host name ...
        assertEquals("old-live", me(live));
        // ... and registering there makes it this machine's, name and inbox.
        JsonNode revived = json(departed, "register", "--project", "shop");
        assertEquals("old-departed", revived.at("/instance/name").asText());
        assertTrue(revived.get("revived").asBoolean());
        assertEquals("machine-new", revived.at("/instance/machine").asText());
        JsonNode kept = json(live, "register", "--project", "shop");
        assertEquals("old-live", kept.at("/instance/name").asText());
        assertTrue(kept.get("already_registered").asBoolean());
        assertEquals("machine-new", kept.at("/instance/machine").asText());
        // Once taken over, it is no longer another machine's.
        JsonNode other = json(otherMachine, "register", "--project", "shop");
        assertNotEquals("old-departed", other.at("/instance/name").asText());
    }

    private Cli machine(String host, String machineId, String dir) {
        return shell(host, dir).with("CLAMBAKE_MACHINE_ID", machineId);
    }

    private static JsonNode instance(Cli shell, String name) {
        for (JsonNode i : json(shell, "status").get("instances")) {
            if (i.get("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no live instance " + name);
    }

    private static String me(Cli shell) {
        JsonNode me = json(shell, "status").get("me");
        return me.isNull() ? null : me.asText();
    }

    /** What `uname -n` prints: the kernel's host name, which /etc/hostname only seeds at boot. */
    private static String liveHostName() {
        try {
            Process p = new ProcessBuilder(List.of("uname", "-n")).start();
            String name = new String(p.getInputStream().readAllBytes()).strip();
            assertEquals(0, p.waitFor());
            return name;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
