package io.clambake;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.db.InstanceDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Message;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The human overseer, the sender behind `clambake web`: one reserved instance that agents see as
 * "the human", that is never listed or cleaned up as an agent, and that sees a direct message
 * whole only when it is one of its two ends.
 */
class OverseerTest extends DatabaseTest {
    private Cli alpha;
    private Cli beta;
    private String alphaName;
    private String betaName;
    private Instance overseer;

    @BeforeAll
    void swarmAndOverseer() throws SQLException {
        alpha = shell("ov1", "/work/ov/alpha");
        beta = shell("ov2", "/work/ov/beta");
        alphaName = register(alpha, "ov");
        betaName = register(beta, "ov");
        overseer = withConnection(c -> new InstanceDao(c).overseer());
    }

    @Test
    void theOverseerIsOneReservedInstanceThatNoAgentCanTake() throws SQLException {
        assertEquals("human", overseer.name());
        Instance again = withConnection(c -> new InstanceDao(c).overseer());
        assertEquals(overseer.id(), again.id(), "created once, found after");
        assertEquals(1, count("SELECT count(*) FROM instances WHERE kind = 'human'"));

        Cli.Result taken = shell("ov3", "/work/ov/gamma").run("register", "--project", "ov", "--name", "human");
        assertEquals(ExitCode.USAGE, taken.code(), taken::toString);
        assertEquals("clambake register: the name 'human' is reserved for the human overseer\n", taken.err());
        assertEquals(1, count("SELECT count(*) FROM instances WHERE name = 'human'"));
    }

    @Test
    void theSchemaRefusesAnAgentNamedHumanAndAHumanOfAnotherName() throws SQLException {
        for (String sql : List.of(
                "INSERT INTO instances (name, host, dir, project) VALUES ('human', 'h', '/x', 'p')",
                "INSERT INTO instances (name, host, dir, project, kind) VALUES ('not-human', 'h', '/y', 'p', 'human')")) {
            try (Connection c = db.connect("clambake")) {
                SQLException refused = assertThrows(
                        SQLException.class, () -> c.createStatement().executeUpdate(sql));
                assertEquals("23514", refused.getSQLState(), sql);
            }
        }
    }

    @Test
    void agentsSeeTheOverseersMessagesAsFromTheHuman() {
        long id = json(
                        humanShell(),
                        "send",
                        "--as",
                        "human",
                        "--to",
                        alphaName,
                        "--type",
                        "request",
                        "--subject",
                        "Stop the deploy",
                        "--body",
                        "until QA signs off")
                .get("message")
                .get("id")
                .asLong();

        JsonNode inbox = json(alpha, "inbox");
        assertEquals("human", inbox.get("messages").get(0).get("from").asText());
        String text = ok(alpha.run("inbox")).out();
        assertTrue(text.startsWith("#" + id + "  request  the human  "), text);
        assertTrue(
                ok(alpha.run("read", String.valueOf(id))).out().startsWith("#" + id + " request from the human to "));
    }

    @Test
    void remindersAndTheBriefingSayFromTheHuman() {
        Cli claude = shell("ov4", "/work/ov/claude");
        claude.runWithStdin(payload("session-start", "ov-session", "/work/ov/claude"), "hook", "--project", "ov");
        String me = ok(claude.run("status", "--json")).json().get("me").asText();
        ok(humanShell().run("send", "--as", "human", "--to", me, "--type", "warning", "--subject", "Freeze at five"));

        String reminder = context(claude, "user-prompt-submit");
        assertTrue(reminder.contains(" warning from the human, just now: Freeze at five"), reminder);
        String briefing = context(claude, "session-start-compact");
        assertTrue(briefing.contains("warning from the human"), briefing);
    }

    /** What the hook tells the agent of session ov-session at this event. */
    private static String context(Cli claude, String event) {
        Cli.Result hook =
                claude.runWithStdin(payload(event, "ov-session", "/work/ov/claude"), "hook", "--project", "ov");
        return hook.json().get("hookSpecificOutput").get("additionalContext").asText();
    }

    @Test
    void theOverseerIsNeitherListedNorCleanedUpAsAnAgent() throws SQLException {
        JsonNode status = json(alpha, "status");
        List<String> names = texts(status.get("instances"), "name");
        assertTrue(names.contains(alphaName), names.toString());
        assertFalse(names.contains("human"), names.toString());

        setLastSeenHoursAgo("human", 5);
        ok(alpha.run("cleanup", "--stale-after", "1h"));
        assertEquals(1, count("SELECT count(*) FROM instances WHERE name = 'human' AND left_at IS NULL"));
    }

    @Test
    void theOverseerSeesBroadcastsAndItsOwnDirectMessagesWholeAndOthersOnlyAsTraffic() throws SQLException {
        long between = sent(alpha, "--to", betaName, "--subject", "between us", "--body", "secret");
        long toHuman = sent(alpha, "--to", "human", "--subject", "for the human", "--body", "hello");
        long toAll = sent(alpha, "--to", "@all", "--subject", "for everyone", "--body", "news");
        long fromHuman = sent(humanShell(), "--as", "human", "--to", betaName, "--subject", "from the human");

        Map<Long, Message> seen = withConnection(c -> new MessageQueries(c).overseen(null, 50)).stream()
                .collect(Collectors.toMap(Message::id, m -> m));
        assertNull(seen.get(between).subject());
        assertNull(seen.get(between).body());
        assertEquals(alphaName, seen.get(between).from());
        assertEquals(betaName, seen.get(between).to());
        assertEquals("hello", seen.get(toHuman).body());
        assertEquals("news", seen.get(toAll).body());
        assertEquals("from the human", seen.get(fromHuman).subject());
    }

    /** A terminal of the human's: no registration of its own, acting with --as human. */
    private Cli humanShell() {
        return shell("ov-human", "/home/human");
    }

    private <T> T withConnection(SqlFunction<T> work) throws SQLException {
        try (Connection c = db.connect("clambake")) {
            return work.apply(c);
        }
    }

    @FunctionalInterface
    private interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }
}
