package io.clambake;

import static io.clambake.support.HookPayloads.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stored text reaches terminals and agents' contexts: whatever the database holds (rows written
 * before the input rules, bodies that keep escape sequences, another client's writes), text
 * output shows no control character raw but newline and tab, so no stored string can clear a
 * screen, set a window title or forge a header line. JSON stays exact.
 */
class TextOutputSafetyTest extends DatabaseTest {
    /** What a terminal or an agent must never get raw: C0 but \n and \t, DEL, C1, line separators, bidi controls. */
    private static final Pattern RAW =
            Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]");

    private static final String SUBJECT = "subj\u001b[2J\nSubject: forged\u0085";
    private static final String BODY = "body \u001b]0;pwned\u0007 red\n\tindented\r overwrite \u202egnp.exe\u2028end";
    private static final String TASK = "task\u001b[31m\nTASK forged";

    private Cli alpha;
    private Cli beta;
    private String alphaName;
    private String betaName;
    private long direct;

    @BeforeAll
    void hostileRows() throws SQLException {
        alpha = shell("tty", "/w/tty/alpha");
        beta = shell("tty", "/w/tty/beta");
        alphaName = register(alpha, "tty");
        betaName = register(beta, "tty");
        execute("UPDATE instances SET task = ?, dir = ? WHERE name = ?", TASK, "/w/tty/alpha\u001b[2J", alphaName);
        execute("UPDATE instances SET task = ? WHERE name = ?", TASK, betaName);
        direct = insertMessage("direct", betaName, "request");
        insertMessage("all", null, "blocker");
        execute(
                "INSERT INTO memories (scope, project, type, title, content, author_id)"
                        + " SELECT 'project', 'tty', 'gotcha', ?, ?, id FROM instances WHERE name = ?",
                SUBJECT,
                BODY,
                alphaName);
        execute(
                "INSERT INTO action_log (instance_id, action, summary) SELECT id, ?, ? FROM instances WHERE name = ?",
                "act\u001b[0m\nion",
                SUBJECT,
                alphaName);
    }

    @Test
    void readShowsTheWholeMessageEscapedWithNoForgedHeader() {
        String out = safe(beta.run("read", Long.toString(direct)));
        List<String> lines = out.lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("Subject:")).count(), out);
        assertEquals("Subject: subj\\x1b[2J\\x0aSubject: forged\\x85", lines.get(1));
        assertTrue(out.contains("\tindented"), "tabs and newlines of a body stay: " + out);
        assertTrue(out.contains("body \\x1b]0;pwned\\x07 red"), out);
        assertTrue(out.contains("\\x0d overwrite \\u202egnp.exe\\u2028end"), out);
        assertEquals(
                BODY,
                beta.run("read", Long.toString(direct), "--json")
                        .json()
                        .at("/message/body")
                        .asText());
    }

    @Test
    void listsAndTablesShowStoredTextEscaped() {
        safe(beta.run("inbox"));
        String status = safe(beta.run("status"));
        assertFalse(status.lines().anyMatch(l -> l.startsWith("TASK forged")), status);
        safe(beta.run("recall"));
        String full = safe(beta.run("recall", "--full"));
        assertTrue(full.contains("\\x1b]0;pwned\\x07"), full);
        safe(beta.run("heartbeat"));
        String memory = beta.run("recall", "--json").json().at("/memories/0/id").asText();
        safe(beta.run("update-memory", memory, "--status", "active"));
        assertEquals(
                SUBJECT,
                beta.run("recall", "--json").json().at("/memories/0/title").asText(),
                "JSON is exact");
        assertEquals(
                TASK,
                beta.run("status", "--json").json().at("/instances/0/task").asText());
    }

    @Test
    void hookBriefingAndRemindersReachTheAgentEscaped() throws SQLException {
        Cli claude = shell("tty", "/w/tty/claude");
        String briefing = context(claude.runWithStdin(
                payload("session-start", "tty-session", "/w/tty/claude"), "hook", "--project", "tty"));
        // one-line previews fold whitespace, newlines included, and escape the rest
        assertTrue(briefing.contains("subj\\x1b[2J Subject: forged\\x85"), briefing);
        assertTrue(briefing.contains("task\\x1b[31m TASK forged"), briefing);
        String me = claude.run("status", "--json").json().get("me").asText();
        insertMessage("direct", me, "warning");
        String reminder = context(claude.runWithStdin(
                payload("user-prompt-submit", "tty-session", "/w/tty/claude"), "hook", "--project", "tty"));
        assertTrue(reminder.contains("subj\\x1b[2J Subject: forged\\x85"), reminder);
    }

    /** Asserts the command succeeded and printed nothing raw; returns its output. */
    private static String safe(Cli.Result result) {
        assertEquals(ExitCode.OK, result.code(), result::toString);
        Matcher raw = RAW.matcher(result.out());
        assertFalse(
                raw.find(),
                () -> "raw U+" + String.format("%04X", (int) result.out().charAt(raw.start())) + " in: "
                        + result.out());
        return result.out();
    }

    private static String context(Cli.Result result) {
        assertEquals(ExitCode.OK, result.code(), result::toString);
        String context =
                result.json().at("/hookSpecificOutput/additionalContext").asText();
        Matcher raw = RAW.matcher(context);
        assertFalse(raw.find(), () -> "raw control character in the agent's context: " + context);
        return context;
    }

    private long insertMessage(String audience, String recipient, String type) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO messages (sender_id, audience, recipient_id, type, subject, body, expires_at)"
                                + " SELECT s.id, ?, (SELECT id FROM instances WHERE name = ?), ?, ?, ?,"
                                + " now() + interval '1 day' FROM instances s WHERE s.name = ? RETURNING id")) {
            ps.setString(1, audience);
            ps.setString(2, recipient);
            ps.setString(3, type);
            ps.setString(4, SUBJECT);
            ps.setString(5, BODY);
            ps.setString(6, alphaName);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql, Object... params) throws SQLException {
        try (Connection c = db.connect("clambake");
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }
}
