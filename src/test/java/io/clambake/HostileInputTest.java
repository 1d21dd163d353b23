package io.clambake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clambake.domain.ExitCode;
import io.clambake.support.Cli;
import io.clambake.support.DatabaseTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Input a careless or hostile caller may give: each is refused with one line on stderr (the
 * error document with --json), and nothing is written. What is accepted is stored exactly.
 */
class HostileInputTest extends DatabaseTest {
    /** No server listens there: a command that fails with exit 2 against it never tried to connect. */
    private static final String NOWHERE = "postgresql://clambake@127.0.0.1:1/nowhere?connectRetry=0";

    private static final String EMOJI = "\uD83D\uDE00"; // one character, two UTF-16 units

    @Test
    void limitsCountCharactersAsTheDatabaseDoes() throws Exception {
        Cli a = shell("chars", "/w/chars/a");
        Cli b = shell("chars", "/w/chars/b");
        register(a, "chars");
        String beta = register(b, "chars");

        ok(a.run("send", "--to", beta, "--subject", EMOJI.repeat(150)));
        ok(a.run("send", "--to", beta, "--subject", EMOJI.repeat(200), "--body", EMOJI.repeat(1000)));
        ok(a.run("remember", "--type", "gotcha", "--title", EMOJI.repeat(200), "--content", EMOJI));
        ok(a.run("heartbeat", "--task", EMOJI.repeat(500)));
        ok(a.run("log", "--action", EMOJI.repeat(100), "--summary", EMOJI.repeat(2000)));
        assertEquals(List.of(EMOJI.repeat(200), EMOJI.repeat(150)), subjects(json(b, "inbox")));

        long messages = count("SELECT count(*) FROM messages");
        Cli.Result over = a.run("send", "--to", beta, "--subject", EMOJI.repeat(201));
        assertEquals(ExitCode.USAGE, over.code(), over::toString);
        assertEquals("clambake send: --subject is 201 characters; the limit is 200\n", over.err());
        assertEquals(
                ExitCode.USAGE, a.run("heartbeat", "--task", EMOJI.repeat(501)).code());
        assertEquals(messages, count("SELECT count(*) FROM messages"));
    }

    @Test
    void durationsHaveADocumentedRangeCheckedBeforeTheDatabase() throws Exception {
        Cli a = shell("ranges", "/w/ranges/a");
        Cli b = shell("ranges", "/w/ranges/b");
        register(a, "ranges");
        String beta = register(b, "ranges");
        long messages = count("SELECT count(*) FROM messages");

        Cli.Result huge = a.run("send", "--to", beta, "--subject", "x", "--ttl", "999999999d");
        assertEquals(ExitCode.USAGE, huge.code(), huge::toString);
        assertEquals("clambake send: --ttl 999999999d is out of range: 1s to 365d\n", huge.err());
        assertEquals(
                ExitCode.USAGE,
                a.run("send", "--to", beta, "--subject", "x", "--ttl", "366d").code());
        assertEquals(
                ExitCode.USAGE,
                a.run("send", "--to", beta, "--subject", "x", "--ttl", "P9999999999D")
                        .code());
        assertEquals(messages, count("SELECT count(*) FROM messages"));
        ok(a.run("send", "--to", beta, "--subject", "a year", "--ttl", "365d"));

        assertEquals(ExitCode.USAGE, a.run("status", "--stale-after", "9m").code());
        assertEquals(ExitCode.USAGE, a.run("status", "--stale-after", "366d").code());
        ok(a.run("status", "--stale-after", "10m"));

        Cli nowhere = a.with("CLAMBAKE_DB_URL", NOWHERE);
        for (String[] args : List.of(
                new String[] {"send", "--to", beta, "--subject", "x", "--ttl", "400d"},
                new String[] {"status", "--stale-after", "1s"},
                new String[] {"cleanup", "--stale-after", "1s"})) {
            Cli.Result r = nowhere.run(args);
            assertEquals(ExitCode.USAGE, r.code(), r::toString);
            assertTrue(r.err().contains("out of range"), r.err());
        }
    }

    @Test
    void oneLineFieldsRefuseControlCharactersAndNothingIsWritten() throws Exception {
        Cli a = shell("controls", "/w/controls/a");
        Cli b = shell("controls", "/w/controls/b");
        register(a, "controls");
        String beta = register(b, "controls");
        ok(a.run("remember", "--type", "gotcha", "--title", "plain", "--content", "plain"));
        String memory = json(a, "recall").at("/memories/0/id").asText();
        String before = snapshot("SELECT (SELECT count(*) FROM messages) || '/' || (SELECT count(*) FROM memories)"
                + " || '/' || (SELECT count(*) FROM action_log) || '/' || (SELECT string_agg(coalesce(task, '-'), ',')"
                + " FROM instances) || '/' || (SELECT string_agg(title, ',') FROM memories)");

        List<String> hostile = List.of(
                "two\nlines",
                "tab\there",
                "cr\rhere",
                "\u001b[2Jclear",
                "title\u001b]0;pwned\u0007",
                "del\u007f",
                "c1\u0085next",
                "line\u2028sep",
                "para\u2029sep",
                "trojan\u202esource",
                "isolate\u2066x\u2069");
        for (String bad : hostile) {
            List<String[]> commands = new ArrayList<>();
            commands.add(new String[] {"send", "--to", beta, "--subject", bad});
            commands.add(new String[] {"send", "--to", "@all", "--subject", bad});
            commands.add(new String[] {"remember", "--type", "gotcha", "--title", bad, "--content", "c"});
            commands.add(new String[] {"update-memory", memory, "--title", bad});
            commands.add(new String[] {"heartbeat", "--task", bad});
            commands.add(new String[] {"log", "--action", bad, "--summary", "s"});
            commands.add(new String[] {"log", "--action", "a", "--summary", bad});
            commands.add(new String[] {"register", "--project", bad});
            for (String[] args : commands) {
                Cli.Result r = a.run(args);
                assertEquals(ExitCode.USAGE, r.code(), () -> String.join(" ", args) + ": " + r);
                assertEquals(1, r.err().lines().count(), r::toString);
                assertTrue(r.err().matches("[\\x20-\\x7e\\n]*"), () -> "escaped on stderr: " + r.err());
                JsonNode error = a.run(withJson(args)).json().get("error");
                assertEquals(ExitCode.USAGE, error.get("exit_code").asInt(), error.toString());
            }
        }
        assertEquals(
                "clambake send: --subject holds a control character (U+000A at character 4); it must be one line\n",
                a.run("send", "--to", beta, "--subject", "two\nlines").err());
        assertEquals(
                before,
                snapshot("SELECT (SELECT count(*) FROM messages) || '/' || (SELECT count(*) FROM memories)"
                        + " || '/' || (SELECT count(*) FROM action_log) || '/' || (SELECT string_agg(coalesce(task,"
                        + " '-'), ',') FROM instances) || '/' || (SELECT string_agg(title, ',') FROM memories)"));

        String body = "line one\n\tindented\r\nescape \u001b[2J kept\u202e";
        ok(a.run("send", "--to", beta, "--subject", "multi-line body", "--body", body));
        ok(a.run("remember", "--type", "gotcha", "--title", "multi-line content", "--content", body));
        assertEquals(body, json(b, "read", "--next").at("/message/body").asText(), "stored and shown exactly");
        assertEquals(body, json(a, "recall").at("/memories/0/content").asText());
    }

    @Test
    void standardInputMustBeUtf8WithoutNul() throws Exception {
        Cli a = shell("stdin", "/w/stdin/a");
        Cli b = shell("stdin", "/w/stdin/b");
        register(a, "stdin");
        String beta = register(b, "stdin");
        long messages = count("SELECT count(*) FROM messages");
        long memories = count("SELECT count(*) FROM memories");

        byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9, '\n'};
        Cli.Result send = a.runWithStdin(latin1, "send", "--to", beta, "--subject", "s", "--body", "-");
        assertEquals(ExitCode.USAGE, send.code(), send::toString);
        assertEquals("clambake send: standard input (--body -) is not valid UTF-8 (at byte 3)\n", send.err());
        Cli.Result remember =
                a.runWithStdin(latin1, "remember", "--type", "gotcha", "--title", "t", "--content", "-", "--json");
        assertEquals(ExitCode.USAGE, remember.code(), remember::toString);
        assertEquals(ExitCode.USAGE, remember.json().at("/error/exit_code").asInt(), remember.out());

        Cli.Result nul = a.runWithStdin("before\0after", "send", "--to", beta, "--subject", "s", "--body", "-");
        assertEquals(ExitCode.USAGE, nul.code(), nul::toString);
        assertEquals("clambake send: --body holds a NUL character (at character 7)\n", nul.err());
        Cli.Result nulContent = a.runWithStdin("\0", "remember", "--type", "gotcha", "--title", "t", "--content", "-");
        assertEquals(ExitCode.USAGE, nulContent.code(), nulContent::toString);
        assertEquals(messages, count("SELECT count(*) FROM messages"));
        assertEquals(memories, count("SELECT count(*) FROM memories"));

        ok(a.runWithStdin("caf\u00e9 " + EMOJI + "\n", "send", "--to", beta, "--subject", "s", "--body", "-"));
        assertEquals(
                "caf\u00e9 " + EMOJI + "\n",
                json(b, "read", "--next").at("/message/body").asText());
    }

    @Test
    void aProjectNoInstanceEverJoinedIsNotAnAddress() throws Exception {
        Cli a = shell("no-project", "/w/no-project/a");
        Cli gone = shell("no-project", "/w/no-project/gone");
        register(a, "np-here");
        register(gone, "np-gone");
        ok(gone.run("deregister"));
        long messages = count("SELECT count(*) FROM messages");

        Cli.Result nobody = a.run("send", "--to", "@project:np-never", "--subject", "hello?");
        assertEquals(ExitCode.NOT_FOUND, nobody.code(), nobody::toString);
        assertEquals(
                "clambake send: no instance ever registered in project np-never, so no one could read this\n",
                nobody.err());
        assertEquals(messages, count("SELECT count(*) FROM messages"));

        ok(a.run("send", "--to", "@project:np-gone", "--subject", "for when you come back"));
        ok(a.run("send", "--to", "@project:np-here", "--subject", "my own project"));
    }

    @Test
    void idsArePositiveAndRecallNamesEveryStatus() throws Exception {
        Cli a = shell("ids", "/w/ids/a");
        register(a, "ids");
        ok(a.run("remember", "--type", "gotcha", "--title", "t", "--content", "c"));
        String memories = snapshot("SELECT string_agg(title || status, ',') FROM memories");
        for (String[] args : List.of(
                new String[] {"read", "-5"},
                new String[] {"read", "0"},
                new String[] {"update-memory", "0", "--status", "resolved"},
                new String[] {"update-memory", "-1", "--status", "resolved"})) {
            Cli.Result r = a.run(args);
            assertEquals(ExitCode.USAGE, r.code(), () -> String.join(" ", args) + ": " + r);
            assertTrue(r.err().contains("must be a positive"), r.err());
        }
        assertEquals(memories, snapshot("SELECT string_agg(title || status, ',') FROM memories"));

        Cli.Result bogus = a.run("recall", "--status", "bogus");
        assertEquals(ExitCode.USAGE, bogus.code(), bogus::toString);
        assertEquals(
                "clambake recall: unknown memory status 'bogus' (expected active, resolved, obsolete or all)\n",
                bogus.err());
        ok(a.run("recall", "--status", "all"));
        Cli.Result all = a.run("update-memory", "1", "--status", "all");
        assertEquals(ExitCode.USAGE, all.code(), all::toString);
        assertTrue(all.err().contains("(expected active, resolved or obsolete)"), all.err());
    }
}
