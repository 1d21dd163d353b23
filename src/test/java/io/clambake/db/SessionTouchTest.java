package io.clambake.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.Instance;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A prompt's touch commits without waiting for the disk (synchronous_commit off for its own
 * transaction only): it still refreshes the session and its instance, and the connection it ran
 * on, which a pool lends to the next command, keeps its synchronous commits.
 */
class SessionTouchTest extends DatabaseTest {

    @Test
    void theTouchRefreshesLastSeenAndLeavesTheConnectionsCommitsSynchronous() throws Exception {
        String me = startSession(shell("h1", "/work/touch"), "touch", "/work/touch", "demo");
        setLastSeenHoursAgo(me, 1);
        try (Connection c = db.connect("clambake");
                Statement s = c.createStatement()) {
            s.execute("UPDATE agent_sessions SET last_seen = now() - interval '1 hour' WHERE id = 'touch'");

            Instance touched =
                    new AgentSessionDao(c).touch("touch", Duration.ZERO).orElseThrow();

            assertEquals(me, touched.name());
            try (ResultSet rs = s.executeQuery("SELECT current_setting('synchronous_commit'),"
                    + " (SELECT last_seen > now() - interval '1 minute' FROM instances WHERE name = '" + me + "'),"
                    + " (SELECT last_seen > now() - interval '1 minute' FROM agent_sessions WHERE id = 'touch')")) {
                assertTrue(rs.next());
                assertEquals("on", rs.getString(1), "the setting ended with the touch's transaction");
                assertTrue(rs.getBoolean(2), "the instance was seen just now");
                assertTrue(rs.getBoolean(3), "the session was seen just now");
            }
        }
    }
}
