package io.clambake.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.config.DatabaseSettings;
import io.clambake.domain.ExitCode;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The resident process's pool checks its recently used connections off the commands' path: a
 * working one is lent again as it is, one whose server process ended is closed before any
 * command gets it.
 */
class ConnectionsTest extends DatabaseTest {
    private static final long A_MINUTE = TimeUnit.MINUTES.toNanos(1);

    @Test
    void aConnectionWhoseServerProcessEndedIsClosedByTheCheckNotLent() throws Exception {
        assertEquals(ExitCode.OK, shell("h", "/pool").run("status").code()); // the schema
        DatabaseSettings settings = db.settings();
        try (Connections connections = new Connections()) {
            Connection first = connections.connect(() -> settings);
            int pid = backendPid(first);
            connections.release(first);

            connections.checkRecent(A_MINUTE, 0);
            assertEquals(1, connections.idleCount(), "a working connection goes back to the pool");
            Connection again = connections.connect(() -> settings);
            assertEquals(pid, backendPid(again), "and is lent again");
            connections.release(again);

            assertTrue(terminate(pid), "the server process ended");
            connections.checkRecent(A_MINUTE, 0);
            assertEquals(0, connections.idleCount(), "the broken connection was closed");

            Connection fresh = connections.connect(() -> settings);
            assertNotEquals(pid, backendPid(fresh));
            connections.release(fresh);
        }
    }

    @Test
    void onlyConnectionsUsedRecentlyAndNotKnownGoodLatelyAreChecked() throws Exception {
        assertEquals(ExitCode.OK, shell("h", "/pool").run("status").code());
        DatabaseSettings settings = db.settings();
        try (Connections connections = new Connections()) {
            Connection first = connections.connect(() -> settings);
            int pid = backendPid(first);
            connections.release(first);
            assertTrue(terminate(pid));
            connections.checkRecent(A_MINUTE, A_MINUTE); // known good within the minute: not checked
            connections.checkRecent(0, 0); // none returned within no time: not checked
            assertEquals(1, connections.idleCount(), "nothing was checked (a check closes the broken one)");
            connections.checkRecent(A_MINUTE, 0);
            assertEquals(0, connections.idleCount(), "a check does");
        }
    }

    /** Ends the server process {@code pid}, waiting up to 5 s for it to go; true when it did. */
    private boolean terminate(int pid) throws SQLException {
        try (Connection admin = db.connect("clambake");
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(" + pid + ", 5000)")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
